import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Principal } from '../domain/principal.js';
import type { Latchkey } from '../services/create-latchkey.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** How a route is reached: `public` needs no credential; `session` needs the dashboard cookie specifically. */
export type AuthMode = 'public' | 'credential' | 'session';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
    /** Exempt from the per-credential management-API limit (verification has per-key limits of its own). */
    skipApiRateLimit?: boolean;
    /** The route takes a JSON body but may be called without one; it then sees `{}` (plugins/body-parsing.ts). */
    optionalBody?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionId: string | null;
  }
  interface FastifyInstance {
    latchkey: Latchkey;
  }
}
