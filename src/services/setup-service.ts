import type { ApiKey } from '../domain/api-key.js';
import { AppError } from '../domain/app-error.js';
import { newId } from '../domain/ids.js';
import { hashPassword } from '../domain/password-hash.js';
import { displayStart, generateToken } from '../domain/token-format.js';
import type { Repositories } from '../storage/repositories.js';
import { auditEvent } from './audit-event.js';
import { createdKeySummary, type KeyWithSecret } from './key-service.js';
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
 *
 * Everything is written in one transaction, the owner key included: an instance counts as initialized as soon as
 * an organization exists, so a first run cut short after the organization but before its key would leave an
 * instance nobody can administer over the API and that refuses to be set up again.
 */
export class SetupService {
  /** `repos` wraps the transaction's repositories; tests inject a failure part-way through with it. */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly repos: (tx: Repositories) => Repositories = (tx) => tx,
  ) {}

  async isInitialized(): Promise<boolean> {
    return (await this.ctx.storage.run((repos) => repos.organizations.count())) > 0;
  }

  async initialize(input: SetupInput, meta: RequestMeta = NO_REQUEST): Promise<SetupResult> {
    if (await this.isInitialized()) throw new AppError('ALREADY_INITIALIZED');
    const now = this.ctx.now();
    const orgId = newId('org');
    const userId = newId('usr');
    const email = input.email.toLowerCase();
    const passwordHash = await hashPassword(input.password, this.ctx.config.passwordHashCost);
    const ownerKey = this.ownerKey(orgId, userId, now);
    const system = { actorType: 'system', actorId: null } as const;
    const owner = { actorType: 'user', actorId: userId } as const;
    const { key } = ownerKey;
    await this.ctx.storage.transaction(
      async (transaction) => {
        const tx = this.repos(transaction);
        // Checked again inside the transaction, and the marker's fixed key makes a concurrent first run wait for
        // this one and then fail on it: two first runs racing must not both succeed, on either database.
        await tx.instances.markSetUp(orgId, now);
        if ((await tx.organizations.count()) > 0) throw new AppError('ALREADY_INITIALIZED');
        await tx.organizations.insert({ id: orgId, name: input.organizationName, createdAt: now });
        await tx.users.insert({ id: userId, email, name: input.name ?? '', passwordHash, createdAt: now });
        await tx.memberships.insert({ orgId, userId, role: 'owner', createdAt: now });
        await tx.keys.insert(key, this.ctx.digest(ownerKey.secret));
        await tx.audit.insertMany([
          auditEvent(orgId, system, 'organization.created', { type: 'organization', id: orgId }, meta, now, { name: input.organizationName }),
          auditEvent(orgId, system, 'member.added', { type: 'user', id: userId }, meta, now, { email, role: 'owner' }),
          auditEvent(orgId, owner, 'key.created', { type: 'key', id: key.id }, meta, now, createdKeySummary(key)),
        ]);
      },
      () => new AppError('ALREADY_INITIALIZED'),
    );
    return { orgId, userId, ownerKey };
  }

  /** The owner's `*` key, created by the owner; the same row KeyService.create would build for it. */
  private ownerKey(orgId: string, userId: string, now: number): KeyWithSecret {
    const secret = generateToken(this.ctx.config.tokenFormat, 'live');
    const key: ApiKey = {
      id: newId('key'),
      orgId,
      kind: 'org_key',
      tokenType: 'live',
      name: 'Owner key',
      description: 'Created at first run.',
      start: displayStart(secret),
      permissions: ['*'],
      projectIds: null,
      ownerUserId: null,
      createdBy: { type: 'user', id: userId },
      createdAt: now,
      updatedAt: now,
      expiresAt: null,
      enabled: true,
      revokedAt: null,
      lastUsedAt: null,
      metadata: null,
      rateLimit: null,
      credits: null,
      ipRanges: null,
    };
    return { key, secret };
  }
}
