import type { Kysely } from 'kysely';
import type { Invalidation } from '../domain/invalidation.js';
import type { StorageFeatures } from './dialect/dialect-adapter.js';
import type { Database } from './schema.js';
import { AuditRepository } from './repositories/audit-repository.js';
import { InvalidationRepository } from './repositories/invalidation-repository.js';
import { InstanceRepository } from './repositories/instance-repository.js';
import { InvitationRepository } from './repositories/invitation-repository.js';
import { KeyRepository } from './repositories/key-repository.js';
import { MembershipRepository } from './repositories/membership-repository.js';
import { OAuthRepository } from './repositories/oauth-repository.js';
import { OAuthSigningKeyRepository } from './repositories/oauth-signing-key-repository.js';
import { OrganizationRepository } from './repositories/organization-repository.js';
import { PermissionRepository } from './repositories/permission-repository.js';
import { ProjectRepository } from './repositories/project-repository.js';
import { ServerSecretRepository } from './repositories/server-secret-repository.js';
import { SessionRepository } from './repositories/session-repository.js';
import { UsageRepository } from './repositories/usage-repository.js';
import { UserRepository } from './repositories/user-repository.js';

/** Every repository, bound to one connection or one transaction. */
export interface Repositories {
  organizations: OrganizationRepository;
  users: UserRepository;
  memberships: MembershipRepository;
  projects: ProjectRepository;
  keys: KeyRepository;
  audit: AuditRepository;
  sessions: SessionRepository;
  permissions: PermissionRepository;
  usage: UsageRepository;
  serverSecrets: ServerSecretRepository;
  instances: InstanceRepository;
  invitations: InvitationRepository;
  oauth: OAuthRepository;
  signingKeys: OAuthSigningKeyRepository;
  invalidations: InvalidationRepository;
}

/** `pendingInvalidations` is the transaction's collector; null on the shared pool. */
export function bindRepositories(db: Kysely<Database>, features: StorageFeatures, pendingInvalidations: Invalidation[] | null = null): Repositories {
  return {
    organizations: new OrganizationRepository(db),
    users: new UserRepository(db),
    memberships: new MembershipRepository(db),
    projects: new ProjectRepository(db, features),
    keys: new KeyRepository(db, features),
    audit: new AuditRepository(db),
    sessions: new SessionRepository(db),
    permissions: new PermissionRepository(db),
    usage: new UsageRepository(db, features),
    serverSecrets: new ServerSecretRepository(db),
    instances: new InstanceRepository(db),
    invitations: new InvitationRepository(db),
    oauth: new OAuthRepository(db, features),
    signingKeys: new OAuthSigningKeyRepository(db),
    invalidations: new InvalidationRepository(db, features, pendingInvalidations),
  };
}
