import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { Id, StringEnum, Timestamp } from './common.js';

/** No password rules here beyond a size cap: sign-in must not describe the policy, and old passwords predate it. */
export const SignInBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254, examples: ['owner@example.com'] }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    organizationId: Type.Optional(Id('org', { description: "The organization to open the session in; default: the user's oldest membership." })),
  },
  { additionalProperties: false, $id: 'SignInRequest' },
);

export const SignInResponse = Type.Object(
  {
    user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
    organization: Type.Object({ id: Type.String(), name: Type.String() }),
    role: StringEnum(ROLES),
    csrfToken: Type.String({ description: 'Send as X-CSRF-Token with every mutation made with the session cookie.' }),
    expiresAt: Timestamp,
  },
  { $id: 'SignInResult', description: 'The session; its cookie is set on the response.' },
);
