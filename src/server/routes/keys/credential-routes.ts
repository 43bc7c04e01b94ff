import { type TObject, Type } from '@sinclair/typebox';
import type { KeyService } from '../../../services/key-service.js';
import type { App } from '../../app-types.js';
import { keyView } from '../../presenters/key-view.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, IdParams, PageOf } from '../../schemas/common.js';
import { KeyView, KeyWithSecretView, RegenerateBody } from '../../schemas/key-schemas.js';

export interface CredentialRouteOptions {
  base: '/v1/keys' | '/v1/tokens';
  tag: string;
  /** Singular, without an article: 'API key'. */
  noun: string;
  /** 'an' or 'a', to go before the noun. */
  article: 'a' | 'an';
  service: KeyService;
  createBody: TObject;
  updateBody: TObject;
  listQuery: TObject;
}

/**
 * The routes organization keys and personal tokens share: create, list, read, update, the state changes,
 * regenerate and delete. Each handler only maps HTTP to one service call.
 */
export async function credentialRoutes(app: App, o: CredentialRouteOptions): Promise<void> {
  const now = () => app.latchkey.ctx.now();
  const params = IdParams('key');
  const one = { 200: { $ref: 'Key#' }, ...ERROR_RESPONSES };

  app.post(
    o.base,
    {
      // A create schema with no required field (personal tokens, seed 004) takes an empty body as `{}`.
      config: { optionalBody: !o.createBody.required?.length },
      schema: {
        tags: [o.tag],
        summary: `Create ${o.article} ${o.noun}; the secret is in this response only`,
        body: o.createBody,
        response: { 201: KeyWithSecretView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { key, secret } = await o.service.create(principalOf(request), request.body as never, metaOf(request));
      return reply.code(201).header('pragma', 'no-cache').send({ ...keyView(key, now()), secret });
    },
  );

  app.get(
    o.base,
    { schema: { tags: [o.tag], summary: `List ${o.noun}s`, querystring: o.listQuery, response: { 200: PageOf(Type.Ref(KeyView)), ...ERROR_RESPONSES } } },
    async (request) => {
      const query = request.query as { limit?: number } & Record<string, unknown>;
      const page = await o.service.list(principalOf(request), { ...query, limit: query.limit ?? 50 });
      const at = now();
      return { items: page.items.map((k) => keyView(k, at)), nextCursor: page.nextCursor };
    },
  );

  app.get(`${o.base}/:id`, { schema: { tags: [o.tag], summary: `Read ${o.article} ${o.noun}`, params, response: one } }, async (request) =>
    keyView(await o.service.get(principalOf(request), (request.params as { id: string }).id), now()),
  );

  app.patch(
    `${o.base}/:id`,
    { schema: { tags: [o.tag], summary: `Change ${o.article} ${o.noun}`, params, body: o.updateBody, response: one } },
    async (request) =>
      keyView(await o.service.update(principalOf(request), (request.params as { id: string }).id, request.body as never, metaOf(request)), now()),
  );

  for (const [action, summary] of [
    ['disable', `Disable ${o.article} ${o.noun}; it can be enabled again`],
    ['enable', `Enable a disabled ${o.noun}`],
    ['revoke', `Revoke ${o.article} ${o.noun} at once and for good`],
  ] as const) {
    app.post(`${o.base}/:id/${action}`, { schema: { tags: [o.tag], summary, params, response: one } }, async (request) => {
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
    `${o.base}/:id/regenerate`,
    {
      // The body is optional: a bare POST rolls the key with no grace period.
      config: { optionalBody: true },
      schema: {
        tags: [o.tag],
        summary: `New secret for the same ${o.noun}; the old one may keep working for a grace period`,
        params,
        body: RegenerateBody,
        response: { 200: KeyWithSecretView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const grace = ((request.body as { gracePeriodSeconds?: number }).gracePeriodSeconds ?? 0) * 1000;
      const { key, secret } = await o.service.regenerate(principalOf(request), (request.params as { id: string }).id, grace, metaOf(request));
      return reply.header('pragma', 'no-cache').send({ ...keyView(key, now()), secret });
    },
  );

  app.delete(`${o.base}/:id`, { schema: { tags: [o.tag], summary: `Delete ${o.article} ${o.noun}`, params, response: { 204: Type.Null(), ...ERROR_RESPONSES } } }, async (request, reply) => {
    await o.service.remove(principalOf(request), (request.params as { id: string }).id, metaOf(request));
    return reply.code(204).send(null);
  });
}
