import { type TSchema, Type } from '@sinclair/typebox';
import type { KeyService } from '../../../services/key-service.js';
import type { App } from '../../app-types.js';
import { keyView } from '../../presenters/key-view.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, IdParams, noContent, ok } from '../../schemas/common.js';
import { RegenerateBody } from '../../schemas/key-schemas.js';

export interface CredentialRouteOptions {
  /** The first word of every operationId: `keys` gives keysCreate, keysList, ... */
  resource: 'keys' | 'tokens';
  tag: string;
  /** Singular, without an article: 'API key'. */
  noun: string;
  /** 'an' or 'a', to go before the noun. */
  article: 'a' | 'an';
  service: KeyService;
  createBody: TSchema;
  updateBody: TSchema;
  listQuery: TSchema;
  /** The components this area answers with: Key/KeyWithSecret/KeyPage or Token/TokenWithSecret/TokenPage. */
  view: TSchema;
  withSecret: TSchema;
  page: TSchema;
}

/**
 * The routes organization keys and personal tokens share: create, list, read, update, the state changes,
 * regenerate and delete, relative to the area's prefix. Each handler only maps HTTP to one service call.
 */
export async function credentialRoutes(app: App, o: CredentialRouteOptions): Promise<void> {
  const now = () => app.latchkey.ctx.now();
  const params = IdParams('key');
  const one = { 200: ok(o.view, `The ${o.noun}.`), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) };

  app.post(
    '',
    {
      // A create schema with no required field (personal tokens, seed 004) takes an empty body as `{}`.
      config: { optionalBody: !o.createBody.required?.length },
      schema: {
        operationId: `${o.resource}Create`,
        tags: [o.tag],
        summary: `Create ${o.article} ${o.noun}; the secret is in this response only`,
        body: Type.Ref(o.createBody),
        response: { 201: ok(o.withSecret, `The new ${o.noun}, with its secret (shown once).`), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      const { key, secret } = await o.service.create(principalOf(request), request.body as never, metaOf(request));
      return reply.code(201).header('pragma', 'no-cache').send({ ...keyView(key, now()), secret });
    },
  );

  app.get(
    '',
    {
      schema: {
        operationId: `${o.resource}List`,
        tags: [o.tag],
        summary: `List ${o.noun}s`,
        querystring: o.listQuery,
        response: { 200: ok(o.page, `One page of ${o.noun}s.`), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const query = request.query as { limit?: number } & Record<string, unknown>;
      const page = await o.service.list(principalOf(request), { ...query, limit: query.limit ?? 50 });
      const at = now();
      return { items: page.items.map((k) => keyView(k, at)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: `${o.resource}Get`,
        tags: [o.tag],
        summary: `Read ${o.article} ${o.noun}`,
        params,
        response: { 200: ok(o.view, `The ${o.noun}.`), ...errorResponses(...CREDENTIAL_ERRORS, 404) },
      },
    },
    async (request) => keyView(await o.service.get(principalOf(request), (request.params as { id: string }).id), now()),
  );

  app.patch(
    '/:id',
    { schema: { operationId: `${o.resource}Update`, tags: [o.tag], summary: `Change ${o.article} ${o.noun}`, params, body: Type.Ref(o.updateBody), response: one } },
    async (request) =>
      keyView(await o.service.update(principalOf(request), (request.params as { id: string }).id, request.body as never, metaOf(request)), now()),
  );

  for (const [action, operation, summary] of [
    ['disable', 'Disable', `Disable ${o.article} ${o.noun}; it can be enabled again`],
    ['enable', 'Enable', `Enable a disabled ${o.noun}`],
    ['revoke', 'Revoke', `Revoke ${o.article} ${o.noun} at once and for good`],
  ] as const) {
    app.post(`/:id/${action}`, { schema: { operationId: `${o.resource}${operation}`, tags: [o.tag], summary, params, response: one } }, async (request) => {
      const principal = principalOf(request);
      const { id } = request.params as { id: string };
      const key =
        action === 'revoke'
          ? await o.service.revoke(principal, id, metaOf(request))
          : await o.service.setEnabled(principal, id, action === 'enable', metaOf(request));
      return keyView(key, now());
    });
  }

  app.post(
    '/:id/regenerate',
    {
      // The body is optional: a bare POST rolls the key with no grace period.
      config: { optionalBody: true },
      schema: {
        operationId: `${o.resource}Regenerate`,
        tags: [o.tag],
        summary: `New secret for the same ${o.noun}; the old one may keep working for a grace period`,
        params,
        body: Type.Ref(RegenerateBody),
        'x-optional-body': true,
        response: { 200: ok(o.withSecret, `The ${o.noun} with its new secret (shown once).`), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      const grace = ((request.body as { gracePeriodSeconds?: number }).gracePeriodSeconds ?? 0) * 1000;
      const { key, secret } = await o.service.regenerate(principalOf(request), (request.params as { id: string }).id, grace, metaOf(request));
      return reply.header('pragma', 'no-cache').send({ ...keyView(key, now()), secret });
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        operationId: `${o.resource}Delete`,
        tags: [o.tag],
        summary: `Delete ${o.article} ${o.noun}`,
        params,
        response: { 204: noContent(`Deleted.`), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      await o.service.remove(principalOf(request), (request.params as { id: string }).id, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
