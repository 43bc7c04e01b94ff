import { Type } from '@sinclair/typebox';
import { Id, Text } from './common.js';
import { KeyWithSecretView } from './key-schemas.js';

export const SetupBody = Type.Object(
  {
    organizationName: Text(100, 1, { examples: ['Acme'] }),
    email: Type.String({ format: 'email', maxLength: 254, examples: ['owner@example.com'] }),
    password: Type.String({ minLength: 12, maxLength: 256, description: "The owner's password, 12 to 256 characters." }),
    name: Type.Optional(Text(100, 0, { examples: ['Olive Owner'] })),
  },
  { additionalProperties: false, $id: 'SetupRequest', description: 'The first organization and its owner.' },
);

export const SetupResult = Type.Object(
  { organizationId: Id('org'), userId: Id('usr'), ownerKey: Type.Ref(KeyWithSecretView) },
  { $id: 'SetupResult', description: 'The new organization, its owner, and an owner key holding `*` (its secret shown once).' },
);

export const SetupStatus = Type.Object(
  { initialized: Type.Boolean({ description: 'False until the first organization exists.' }) },
  { $id: 'SetupStatus', description: 'Whether first run is done.' },
);

export const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health', description: 'The process is alive.' });

export const Readiness = Type.Object(
  {
    status: Type.Literal('ready'),
    storage: Type.String({ description: 'The storage dialect.', examples: ['sqlite'] }),
    instanceId: Type.String({ description: 'The id of the instance that answered (its heartbeat row, its log lines, latchkey_instance_info).', examples: ['ins_3k9x2m'] }),
  },
  { $id: 'Readiness', description: 'Storage answered in time.' },
);
