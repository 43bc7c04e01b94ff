import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { Cursor, Id, Limit, PageOf, StringEnum, Text, Timestamp } from './common.js';
import { MemberView, RoleSchema } from './member-schemas.js';

const invitationProperties = {
  id: Id('inv'),
  email: Type.String({ examples: ['ann@example.com'] }),
  role: StringEnum(ROLES),
  invitedBy: Type.Object({ type: Type.String({ examples: ['user'] }), id: Type.String() }, { description: 'Who sent it.' }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
};

export const InvitationView = Type.Object(invitationProperties, { $id: 'Invitation', description: 'A pending invitation, without its token.' });

export const InvitationPage = PageOf(InvitationView, 'InvitationPage');

export const InvitationWithTokenView = Type.Object(
  {
    ...invitationProperties,
    token: Type.String({ description: 'The invitation token, shown once. The dashboard link is /invite#token=<token>.' }),
  },
  { $id: 'InvitationWithToken', description: 'A new invitation with its single-use token, once.' },
);

export const CreateInvitationBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254, examples: ['ann@example.com'] }), role: RoleSchema },
  { additionalProperties: false, $id: 'CreateInvitationRequest' },
);

/** Any string up to a generous cap: a token of the wrong shape gets the same 404 as an unknown one. */
const InvitationToken = Type.String({ minLength: 1, maxLength: 256, description: 'The invitation token.' });

export const AcceptInvitationBody = Type.Object({ token: InvitationToken }, { additionalProperties: false, $id: 'AcceptInvitationRequest' });

export const AcceptWithNewAccountBody = Type.Object(
  {
    token: InvitationToken,
    name: Type.Optional(Text(100, 0, { examples: ['Ann Lee'] })),
    password: Type.String({ minLength: 12, maxLength: 256, description: 'The new account\'s password, 12 to 256 characters.' }),
  },
  { additionalProperties: false, $id: 'AcceptWithNewAccountRequest' },
);

export const AcceptedInvitationView = Type.Object(
  { organization: Type.Object({ id: Type.String(), name: Type.String() }), member: Type.Ref(MemberView) },
  { $id: 'AcceptedInvitation', description: 'The organization joined and the new membership.' },
);

export const InvitationParams = Type.Object({ id: Id('inv') }, { additionalProperties: false });

export const InvitationListQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });
