import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { VerifyResponse } from '../../presenters/verify-view.js';
import { verifyRequest } from '../../verify-request.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, IdParams } from '../../schemas/common.js';
import { BulkBody, CreateKeyBody, KeyListQuery, KeyView, UpdateKeyBody, UsageQuery, UsageView, VerifyBody } from '../../schemas/key-schemas.js';
import { credentialRoutes } from './credential-routes.js';

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
    async (request) => verifyRequest(lk, principalOf(request), request.body),
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
    noun: 'API key',
    article: 'an',
    service: lk.keys,
    createBody: CreateKeyBody,
    updateBody: UpdateKeyBody,
    listQuery: KeyListQuery,
  });
}
