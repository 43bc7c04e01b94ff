import { Type } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';

/** No password rules here beyond a size cap: sign-in must not describe the policy, and old passwords predate it. */
export const SignInBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    organizationId: Type.Optional(Id('org')),
  },
  { additionalProperties: false },
);

export const SignInResponse = Type.Object({
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  role: Type.String(),
  csrfToken: Type.String(),
  expiresAt: Timestamp,
});
