import { Type } from '@sinclair/typebox';
import type { ApiKey } from '../../../domain/api-key.js';
import type { Principal } from '../../../domain/principal.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, IdParams } from '../../schemas/common.js';
import { KritenCreateBody, KritenToken, KritenTokenWithKey, KritenUpdateBody } from './kriten-schemas.js';
import { expiresAtOf, kritenTokenView } from './kriten-token-view.js';

/** Mounted under Kriten's `/api/v1/api_tokens` (register-routes.ts); paths here are relative to it. */
const BASE = '';
const PAGE = 200;

interface KritenBody {
  description?: string;
  enabled?: boolean;
  expires?: string;
}

/**
 * Kriten's API-token wire format (seed 004), mounted with LATCHKEY_KRITEN_API=on: the same personal-token service
 * as /v1/tokens under Kriten's paths and field names, so every rule (who may create, escalation, another user's
 * token answering 404, audit) is the service's. Routes outside /v1 are public unless they say otherwise, hence
 * `auth: 'credential'` on each; responses are never cached, as under /v1.
 */
export async function kritenRoutes(app: App): Promise<void> {
  if (!app.latchkey.ctx.config.kritenApi) return;
  const tokens = app.latchkey.tokens;
  const config = { auth: 'credential' as const };
  const schema = (summary: string, extra: Record<string, unknown>) => ({ tags: ['kriten'], summary, ...extra });
  const params = IdParams('key');

  async function everyPage(principal: Principal, all: boolean): Promise<ApiKey[]> {
    const items: ApiKey[] = [];
    let cursor: string | undefined;
    do {
      const page = await tokens.list(principal, { limit: PAGE, all, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  app.post(
    BASE,
    { config: { ...config, optionalBody: true }, schema: schema('Kriten: create an API token; `key` is in this response only', { operationId: 'kritenTokensCreate', body: KritenCreateBody, response: { 201: KritenTokenWithKey, ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 409) } }) },
    async (request, reply) => {
      const body = request.body as KritenBody;
      const expiresAt = expiresAtOf(body.expires);
      const { key, secret } = await tokens.create(
        principalOf(request),
        {
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        },
        metaOf(request),
      );
      return reply.code(201).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send({ ...kritenTokenView(key), key: secret });
    },
  );

  app.get(BASE, { config, schema: schema("Kriten: the caller's own API tokens", { operationId: 'kritenTokensList', response: { 200: Type.Array(KritenToken), ...errorResponses(...CREDENTIAL_ERRORS) } }) }, async (request, reply) =>
    reply.header('cache-control', 'no-store').send((await everyPage(principalOf(request), false)).map(kritenTokenView)),
  );

  app.get(`${BASE}/all`, { config, schema: schema("Kriten: every member's API tokens (latchkey:tokens:admin)", { operationId: 'kritenTokensListAll', response: { 200: Type.Array(KritenToken), ...errorResponses(...CREDENTIAL_ERRORS) } }) }, async (request, reply) =>
    reply.header('cache-control', 'no-store').send((await everyPage(principalOf(request), true)).map(kritenTokenView)),
  );

  app.patch(`${BASE}/:id`, { config, schema: schema('Kriten: change description, enabled or expires', { operationId: 'kritenTokensUpdate', params, body: KritenUpdateBody, response: { 200: KritenToken, ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) } }) }, async (request, reply) => {
    const body = request.body as KritenBody;
    const expiresAt = expiresAtOf(body.expires);
    const key = await tokens.update(
      principalOf(request),
      (request.params as { id: string }).id,
      {
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      },
      metaOf(request),
    );
    return reply.header('cache-control', 'no-store').send(kritenTokenView(key));
  });

  app.delete(`${BASE}/:id`, { config, schema: schema('Kriten: delete an API token', { operationId: 'kritenTokensDelete', params, response: { 204: Type.Null(), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404) } }) }, async (request, reply) => {
    await tokens.remove(principalOf(request), (request.params as { id: string }).id, metaOf(request));
    return reply.code(204).header('cache-control', 'no-store').send(null);
  });
}
