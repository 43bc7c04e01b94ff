import { parseIsoInstant } from '../../../domain/iso-instant.js';
import type { AuditRecord } from '../../../services/audit-service.js';
import type { App } from '../../app-types.js';
import { principalOf } from '../../request-meta-of.js';
import { AuditListQuery, AuditView } from '../../schemas/audit-schemas.js';
import { ERROR_RESPONSES, IdParams, PageOf } from '../../schemas/common.js';

function auditView(record: AuditRecord) {
  return { ...record, createdAt: new Date(record.createdAt).toISOString() };
}

// The schema's date-time format is parseIsoInstant itself, so a value that got here converts.
const time = (text: string | undefined) => (text === undefined ? undefined : (parseIsoInstant(text) ?? undefined));

export async function auditRoutes(app: App): Promise<void> {
  const audit = app.latchkey.audit;

  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'List audit events, newest first; not available to project-restricted credentials',
        querystring: AuditListQuery,
        response: { 200: PageOf(AuditView), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit, since, until, ...rest } = request.query;
      const page = await audit.list(principalOf(request), { ...rest, since: time(since), until: time(until), limit: limit ?? 50 });
      return { items: page.items.map(auditView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/audit/:id',
    { schema: { tags: ['audit'], summary: 'Read one audit event', params: IdParams('evt'), response: { 200: AuditView, ...ERROR_RESPONSES } } },
    async (request) => auditView(await audit.get(principalOf(request), request.params.id)),
  );
}
