import { AppError } from '../domain/app-error.js';
import { newId } from '../domain/ids.js';
import { hashPassword } from '../domain/password-hash.js';
import { NO_LIMITS, type Principal } from '../domain/principal.js';
import { auditEvent } from './audit-event.js';
import type { KeyService, KeyWithSecret } from './key-service.js';
import { NO_REQUEST, type RequestMeta } from './request-meta.js';
import type { ServiceContext } from './service-context.js';

export interface SetupInput {
  organizationName: string;
  email: string;
  password: string;
  name?: string;
}

export interface SetupResult {
  orgId: string;
  userId: string;
  ownerKey: KeyWithSecret;
}

/**
 * First run: the first organization, its owner, and an owner key printed once. Refuses once any organization
 * exists, so it cannot be used to take over an initialized instance.
 */
export class SetupService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeyService,
  ) {}

  async isInitialized(): Promise<boolean> {
    return (await this.ctx.storage.repos.organizations.count()) > 0;
  }

  async initialize(input: SetupInput, meta: RequestMeta = NO_REQUEST): Promise<SetupResult> {
    if (await this.isInitialized()) throw new AppError('ALREADY_INITIALIZED');
    const now = this.ctx.now();
    const orgId = newId('org');
    const userId = newId('usr');
    const passwordHash = await hashPassword(input.password);
    await this.ctx.storage.transaction(
      async (tx) => {
        // Checked again inside the transaction: two first runs racing must not both succeed.
        if ((await tx.organizations.count()) > 0) throw new AppError('ALREADY_INITIALIZED');
        await tx.organizations.insert({ id: orgId, name: input.organizationName, created_at: now });
        await tx.users.insert({ id: userId, email: input.email.toLowerCase(), name: input.name ?? '', password_hash: passwordHash, created_at: now });
        await tx.memberships.insert({ org_id: orgId, user_id: userId, role: 'owner', created_at: now });
        await tx.audit.insertMany([
          auditEvent(orgId, { actorType: 'system', actorId: null }, 'organization.created', { type: 'organization', id: orgId }, meta, now, { name: input.organizationName }),
          auditEvent(orgId, { actorType: 'system', actorId: null }, 'member.added', { type: 'user', id: userId }, meta, now, { email: input.email.toLowerCase(), role: 'owner' }),
        ]);
      },
      () => new AppError('ALREADY_INITIALIZED'),
    );
    const owner: Principal = { kind: 'session', orgId, userId, keyId: null, role: 'owner', keyPermissions: null, projectIds: null, expiresAt: null, limits: NO_LIMITS };
    const ownerKey = await this.keys.create(owner, { name: 'Owner key', description: 'Created at first run.', permissions: ['*'] }, meta);
    return { orgId, userId, ownerKey };
  }
}
