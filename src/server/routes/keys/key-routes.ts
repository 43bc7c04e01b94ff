import { Type } from '@sinclair/typebox';
import { parsePermissionQuery } from '../../../domain/permission-query.js';
import { requirePermission } from '../../../services/key-service.js';
import type { App } from '../../app-types.js';
import { iso } from '../../presenters/key-view.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, IdParams } from '../../schemas/common.js';
import { BulkBody, CreateKeyBody, KeyListQuery, KeyView, UpdateKeyBody, UsageQuery, UsageView, VerifyBody } from '../../schemas/key-schemas.js';
import { credentialRoutes } from './credential-routes.js';

const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  code: Type.String(),
  keyId: Type.Optional(Type.String()),
  orgId: Type.Optional(Type.String()),
  ownerUserId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  environment: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  permissions: Type.Optional(Type.Array(Type.String())),
  projectIds: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  expiresAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  rateLimit: Type.Optional(Type.Union([Type.Object({ limit: Type.Integer(), remaining: Type.Integer(), resetAt: Type.String() }), Type.Null()])),
  credits: Type.Optional(Type.Union([Type.Object({ remaining: Type.Integer() }), Type.Null()])),
});

const BulkResponse = Type.Object({
  results: Type.Array(
    Type.Object({ id: Type.String(), outcome: Type.String(), secret: Type.Optional(Type.String()), key: Type.Optional(Type.Ref(KeyView)) }),
  ),
});

export async function keyRoutes(app: App): Promise<void> {
  const lk = app.latchkey;

  // Registered before the shared routes so `/v1/keys/verify` and `/v1/keys/bulk` are never read as ids.
  app.post(
    '/v1/keys/verify',
    {
      config: { skipApiRateLimit: true },
      schema: {
        tags: ['verification'],
        summary: 'Verify a key: validity, permissions, project, client address, rate limit and credits',
        body: VerifyBody,
        response: { 200: VerifyResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requirePermission(principal, 'latchkey:keys:verify');
      const body = request.body;
      const query = body.permissions === undefined ? null : parsePermissionQuery(body.permissions);
      const result = await lk.verify.verify(principal, { key: body.key, query, projectId: body.projectId ?? null, ip: body.ip ?? null });
      if (!result.key) return { valid: false, code: result.code };
      const k = result.key;
      return {
        valid: result.valid,
        code: result.code,
        keyId: k.id,
        orgId: k.orgId,
        ownerUserId: k.ownerUserId,
        environment: k.tokenType,
        name: k.name,
        permissions: k.permissions,
        projectIds: k.projectIds,
        metadata: k.metadata,
        expiresAt: iso(k.expiresAt),
        rateLimit: result.rateLimit ? { limit: result.rateLimit.limit, remaining: result.rateLimit.remaining, resetAt: new Date(result.rateLimit.resetAt).toISOString() } : null,
        credits: result.creditsRemaining === null ? null : { remaining: result.creditsRemaining },
      };
    },
  );

  app.post(
    '/v1/keys/bulk',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke, delete, regenerate, enable or disable many keys at once, all or nothing',
        body: BulkBody,
        response: { 200: BulkResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const results = await lk.keys.bulk(principal, body.action as never, body.ids, (body.gracePeriodSeconds ?? 0) * 1000, metaOf(request));
      if (body.action === 'regenerate') reply.header('pragma', 'no-cache');
      return { results };
    },
  );

  app.get(
    '/v1/keys/:id/usage',
    {
      schema: {
        tags: ['keys'],
        summary: 'Calls with a key by hour or UTC day and outcome code',
        params: IdParams('key'),
        querystring: UsageQuery,
        response: { 200: UsageView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { granularity, since } = request.query;
      const series = await lk.keys.usage(principalOf(request), request.params.id, granularity ?? 'hour', since);
      return { granularity: series.granularity, buckets: series.buckets.map((b) => ({ start: new Date(b.start).toISOString(), counts: b.counts })) };
    },
  );

  await credentialRoutes(app, {
    base: '/v1/keys',
    tag: 'keys',
    noun: 'an API key',
    service: lk.keys,
    createBody: CreateKeyBody,
    updateBody: UpdateKeyBody,
    listQuery: KeyListQuery,
  });
}
