import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AcceptedInvitation, Invitation } from '../../../services/invitation-service.js';
import type { App } from '../../app-types.js';
import { authFailureBucket, throwThrottled } from '../../plugins/authenticate.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, noContent, ok } from '../../schemas/common.js';
import {
  AcceptedInvitationView,
  AcceptInvitationBody,
  AcceptWithNewAccountBody,
  CreateInvitationBody,
  InvitationListQuery,
  InvitationPage,
  InvitationParams,
  InvitationWithTokenView,
} from '../../schemas/invitation-schemas.js';
import { memberView } from './member-routes.js';

function invitationView(invitation: Invitation) {
  return { ...invitation, createdAt: new Date(invitation.createdAt).toISOString(), expiresAt: new Date(invitation.expiresAt).toISOString() };
}

function acceptedView(result: AcceptedInvitation) {
  return { organization: result.organization, member: memberView(result.member) };
}

/** Invitations to join an organization, under /v1/invitations. */
export async function invitationRoutes(app: App): Promise<void> {
  const lk = app.latchkey;
  const invitations = lk.invitations;

  /**
   * Every acceptance attempt, right or wrong, spends one of the address's budget (LATCHKEY_AUTH_FAILURE_LIMIT,
   * counted apart from sign-in) before the token is looked up, so however many arrive at once no more than the
   * budget are ever checked in a window. A person accepts an invitation once; only guessing needs more.
   */
  async function spendAttempt(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const now = lk.ctx.now();
    // Reserved and never released: unlike sign-in, a successful acceptance spends its attempt too.
    const { decision } = lk.authFailures.reserve(`invitation:${authFailureBucket(request)}`, lk.ctx.config.authFailureLimit, now);
    if (!decision.allowed) throwThrottled(decision, now, reply);
  }

  app.get(
    '',
    {
      schema: {
        operationId: 'invitationsList',
        tags: ['members'],
        summary: 'List pending invitations (not accepted, revoked or expired), by email',
        querystring: InvitationListQuery,
        response: { 200: ok(InvitationPage, 'One page of pending invitations.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await invitations.list(principalOf(request), { ...rest, limit: limit ?? 50 });
      return { items: page.items.map(invitationView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '',
    {
      schema: {
        operationId: 'invitationsCreate',
        tags: ['members'],
        summary: 'Invite someone by email to join in a role; the response holds the single-use invitation token once',
        body: Type.Ref(CreateInvitationBody),
        response: { 201: ok(InvitationWithTokenView, 'The invitation, with its token (shown once).'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const { invitation, token } = await invitations.create(principalOf(request), request.body, metaOf(request));
      return reply.code(201).send({ ...invitationView(invitation), token });
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        operationId: 'invitationsRevoke',
        tags: ['members'],
        summary: 'Revoke a pending invitation',
        params: InvitationParams,
        response: { 204: noContent('Revoked.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      await invitations.revoke(principalOf(request), request.params.id, metaOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/accept',
    {
      config: { auth: 'session' },
      schema: {
        operationId: 'invitationsAccept',
        security: [{ session: [] }],
        tags: ['members'],
        summary: "Accept an invitation as the signed-in user (the account's email must be the invited one)",
        body: Type.Ref(AcceptInvitationBody),
        response: { 200: ok(AcceptedInvitationView, 'Joined.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      await spendAttempt(request, reply);
      return acceptedView(await invitations.accept(principalOf(request), request.body.token, metaOf(request)));
    },
  );

  app.post(
    '/accept-new-account',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'invitationsAcceptNewAccount',
        security: [],
        tags: ['members'],
        summary: 'Accept an invitation by creating the invited account with a name and password; then sign in',
        body: Type.Ref(AcceptWithNewAccountBody),
        response: { 201: ok(AcceptedInvitationView, 'The account exists and has joined; sign in next.'), ...errorResponses(400, 403, 404, 409, 429, 503, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      await spendAttempt(request, reply);
      return reply.code(201).send(acceptedView(await invitations.acceptWithNewAccount(request.body, metaOf(request))));
    },
  );
}
