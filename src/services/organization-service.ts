import { AppError } from '../domain/app-error.js';
import { newId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import type { Role } from '../domain/roles.js';
import { auditEvent } from './audit-event.js';
import type { RequestMeta } from './request-meta.js';
import type { ServiceContext } from './service-context.js';

export interface OrganizationMembership {
  id: string;
  name: string;
  role: Role | null;
  createdAt: number;
}

/** The organizations a caller can reach, and new ones a signed-in user founds. */
export class OrganizationService {
  constructor(private readonly ctx: ServiceContext) {}

  /** A signed-in user's memberships; a key belongs to exactly one organization and sees only that one. */
  async list(principal: Principal): Promise<OrganizationMembership[]> {
    if (principal.kind === 'session') {
      const memberships = await this.ctx.storage.run((repos) => repos.memberships.listForUser(principal.userId!));
      return memberships.map(({ membership, organization }) => ({ id: organization.id, name: organization.name, role: membership.role, createdAt: membership.createdAt }));
    }
    const org = await this.ctx.storage.run((repos) => repos.organizations.findById(principal.orgId));
    if (!org) throw new AppError('NOT_FOUND');
    return [{ id: org.id, name: org.name, role: principal.role, createdAt: org.createdAt }];
  }

  /** Only a person founds an organization, and becomes its first owner; keys are confined to their own. */
  async create(principal: Principal, input: { name: string }, meta: RequestMeta): Promise<OrganizationMembership> {
    if (principal.kind !== 'session' || principal.userId === null) {
      throw new AppError('PERMISSION_DENIED', { message: 'Only a signed-in user can create an organization.', details: { required: 'session' } });
    }
    const userId = principal.userId;
    const now = this.ctx.now();
    const orgId = newId('org');
    await this.ctx.storage.transaction(async (tx) => {
      const user = await tx.users.findById(userId);
      if (!user) throw new AppError('AUTH_INVALID');
      await tx.organizations.insert({ id: orgId, name: input.name, createdAt: now });
      await tx.memberships.insert({ orgId, userId, role: 'owner', createdAt: now });
      const actor = { actorType: 'user', actorId: userId } as const;
      await tx.audit.insertMany([
        auditEvent(orgId, actor, 'organization.created', { type: 'organization', id: orgId }, meta, now, { name: input.name }),
        auditEvent(orgId, actor, 'member.added', { type: 'user', id: userId }, meta, now, { email: user.email, role: 'owner' }),
      ]);
    });
    return { id: orgId, name: input.name, role: 'owner', createdAt: now };
  }
}
