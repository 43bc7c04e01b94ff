import { Type } from '@sinclair/typebox';
import { Cursor, Id, Limit, Text, Timestamp } from './common.js';
import { MemberView, RoleSchema } from './member-schemas.js';

export const InvitationView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  invitedBy: Type.Object({ type: Type.String(), id: Type.String() }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

export const InvitationWithTokenView = Type.Object({
  ...InvitationView.properties,
  token: Type.String({ description: 'The invitation token, shown once. The dashboard link is /invite#token=<token>.' }),
});

export const CreateInvitationBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), role: RoleSchema },
  { additionalProperties: false },
);

/** Any string up to a generous cap: a token of the wrong shape gets the same 404 as an unknown one. */
const InvitationToken = Type.String({ minLength: 1, maxLength: 256 });

export const AcceptInvitationBody = Type.Object({ token: InvitationToken }, { additionalProperties: false });

export const AcceptWithNewAccountBody = Type.Object(
  { token: InvitationToken, name: Type.Optional(Text(100)), password: Type.String({ minLength: 12, maxLength: 256 }) },
  { additionalProperties: false },
);

export const AcceptedInvitationView = Type.Object({
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  member: MemberView,
});

export const InvitationParams = Type.Object({ id: Id('inv') }, { additionalProperties: false });

export const InvitationListQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });
