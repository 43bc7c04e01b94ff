import type { App } from '../../app-types.js';
import { CreateTokenBody, TokenListQuery, TokenPage, TokenView, TokenWithSecretView, UpdateTokenBody } from '../../schemas/key-schemas.js';
import { credentialRoutes } from '../keys/credential-routes.js';

/**
 * Personal access tokens, under /v1/tokens: the same routes as organization keys, scoped to the caller's own
 * tokens (`?all=true` with latchkey:tokens:admin lists every member's). A token's rights are its own permissions
 * intersected with its user's current role, so one created without permissions follows the user's role as it changes.
 */
export async function tokenRoutes(app: App): Promise<void> {
  await credentialRoutes(app, {
    resource: 'tokens',
    tag: 'tokens',
    noun: 'personal access token',
    article: 'a',
    service: app.latchkey.tokens,
    createBody: CreateTokenBody,
    updateBody: UpdateTokenBody,
    listQuery: TokenListQuery,
    view: TokenView,
    withSecret: TokenWithSecretView,
    page: TokenPage,
  });
}
