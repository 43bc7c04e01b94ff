import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { VerifyResponse } from '../../presenters/verify-view.js';
import { verifyRequest } from '../../verify-request.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, IdParams, ok } from '../../schemas/common.js';
import {
  BulkBody,
  BulkResponse,
  CreateKeyBody,
  KeyListQuery,
  KeyPage,
  KeyView,
  KeyWithSecretView,
  UpdateKeyBody,
  UsageQuery,
  UsageView,
  VerifyBody,
} from '../../schemas/key-schemas.js';
import { credentialRoutes } from './credential-routes.js';

/** Organization API keys and their verification, under /v1/keys. */
export async function keyRoutes(app: App): Promise<void> {
  const lk = app.latchkey;

  app.post(
    '/verify',
    {
      config: { skipApiRateLimit: true },
      schema: {
        operationId: 'keysVerify',
        tags: ['verification'],
        summary: 'Verify a key: validity, permissions, project, client address, rate limit and credits',
        description: 'Always 200 when the caller itself is authorized; the verdict is in `valid` and `code`.',
        body: Type.Ref(VerifyBody),
        response: { 200: ok(VerifyResponse, 'The verdict.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS) },
      },
    },
    async (request) => verifyRequest(lk, principalOf(request), request.body),
  );

  app.post(
    '/bulk',
    {
      schema: {
        operationId: 'keysBulk',
        tags: ['keys'],
        summary: 'Revoke, delete, regenerate, enable or disable many keys at once, all or nothing',
        body: Type.Ref(BulkBody),
        response: { 200: ok(BulkResponse, 'Every key was changed (or already was in that state).'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
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
    '/:id/usage',
    {
      schema: {
        operationId: 'keysUsage',
        tags: ['keys'],
        summary: 'Calls with a key by hour or UTC day and outcome code',
        params: IdParams('key'),
        querystring: UsageQuery,
        response: { 200: ok(UsageView, 'Counts per bucket.'), ...errorResponses(...CREDENTIAL_ERRORS, 404) },
      },
    },
    async (request) => {
      const { granularity, since } = request.query;
      const series = await lk.keys.usage(principalOf(request), request.params.id, granularity ?? 'hour', since);
      return { granularity: series.granularity, buckets: series.buckets.map((b) => ({ start: new Date(b.start).toISOString(), counts: b.counts })) };
    },
  );

  await credentialRoutes(app, {
    resource: 'keys',
    tag: 'keys',
    noun: 'API key',
    article: 'an',
    service: lk.keys,
    createBody: CreateKeyBody,
    updateBody: UpdateKeyBody,
    listQuery: KeyListQuery,
    view: KeyView,
    withSecret: KeyWithSecretView,
    page: KeyPage,
  });
}
