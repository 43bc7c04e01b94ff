import { parseIsoInstant } from '../../../domain/iso-instant.js';
import type { AuditRecord } from '../../../services/audit-service.js';
import type { App } from '../../app-types.js';
import { principalOf } from '../../request-meta-of.js';
import { AuditEventPage, AuditListQuery, AuditView } from '../../schemas/audit-schemas.js';
import { CREDENTIAL_ERRORS, errorResponses, IdParams, ok } from '../../schemas/common.js';

function auditView(record: AuditRecord) {
  return { ...record, createdAt: new Date(record.createdAt).toISOString() };
}

// The schema's date-time format is parseIsoInstant itself, so a value that got here converts.
const time = (text: string | undefined) => (text === undefined ? undefined : (parseIsoInstant(text) ?? undefined));

/** The audit log, under /v1/audit. */
export async function auditRoutes(app: App): Promise<void> {
  const audit = app.latchkey.audit;

  app.get(
    '',
    {
      schema: {
        operationId: 'auditList',
        tags: ['audit'],
        summary: 'List audit events, newest first; not available to project-restricted credentials',
        querystring: AuditListQuery,
        response: { 200: ok(AuditEventPage, 'One page of events.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const { limit, since, until, ...rest } = request.query;
      const page = await audit.list(principalOf(request), { ...rest, since: time(since), until: time(until), limit: limit ?? 50 });
      return { items: page.items.map(auditView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'auditGet',
        tags: ['audit'],
        summary: 'Read one audit event',
        params: IdParams('evt'),
        response: { 200: ok(AuditView, 'The event.'), ...errorResponses(...CREDENTIAL_ERRORS, 404) },
      },
    },
    async (request) => auditView(await audit.get(principalOf(request), request.params.id)),
  );
}
