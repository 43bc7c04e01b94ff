import { AppError } from '../domain/app-error.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import type { Principal } from '../domain/principal.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { requirePermission } from '../domain/require-permission.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

export interface AuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  actorId?: string;
  targetId?: string;
  /** Epoch milliseconds, inclusive. */
  since?: number;
  /** Epoch milliseconds, exclusive. */
  until?: number;
}

/** An audit event as the API shows it: the organization is the caller's own, so it is left out. */
export type AuditRecord = Omit<AuditEvent, 'orgId'>;

const READ = 'latchkey:audit:read';

function toRecord({ orgId: _orgId, ...record }: AuditEvent): AuditRecord {
  return record;
}

/** Reads the organization's audit trail, newest first. The log spans every project, so it is organization-wide only. */
export class AuditService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(principal: Principal, query: AuditQuery): Promise<Page<AuditRecord>> {
    this.authorize(principal);
    const filters = { action: query.action, actorId: query.actorId, targetId: query.targetId, since: query.since, until: query.until };
    const scope = JSON.stringify(['audit', filters.action ?? null, filters.actorId ?? null, filters.targetId ?? null, filters.since ?? null, filters.until ?? null]);
    const cursorKey = await this.ctx.cursorKey();
    const after = query.cursor ? decodeCursor(query.cursor, scope, cursorKey) : undefined;
    const rows = await this.ctx.storage.run((repos) =>
      repos.audit.list({
        orgId: principal.orgId,
        ...(filters.action ? { action: filters.action } : {}),
        ...(filters.actorId ? { actorId: filters.actorId } : {}),
        ...(filters.targetId ? { targetId: filters.targetId } : {}),
        ...(filters.since !== undefined ? { since: filters.since } : {}),
        ...(filters.until !== undefined ? { until: filters.until } : {}),
        limit: query.limit + 1,
        ...(after ? { after } : {}),
      }),
    );
    return pageFrom(rows, query.limit, scope, cursorKey, (last) => ({ sort: 'created', value: last.createdAt, id: last.id }), toRecord);
  }

  async get(principal: Principal, id: string): Promise<AuditRecord> {
    this.authorize(principal);
    const row = await this.ctx.storage.run((repos) => repos.audit.findById(principal.orgId, id));
    if (!row) throw new AppError('NOT_FOUND');
    return toRecord(row);
  }

  private authorize(principal: Principal): void {
    requirePermission(principal, READ);
    requireOrgWide(principal, 'read the audit log, which spans every project');
  }
}
