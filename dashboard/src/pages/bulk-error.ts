import { ApiError } from '../api/client.js';

export type BulkAction = 'revoke' | 'delete' | 'regenerate' | 'enable' | 'disable';

/**
 * A bulk refusal, reworded for the person who chose the keys. The server applies a bulk action all or nothing,
 * so the message starts by saying nothing changed, then names the keys that stopped it when the server lists them.
 */
export function bulkError(error: unknown, action: BulkAction, names: ReadonlyMap<string, string>): unknown {
  if (!(error instanceof ApiError)) return error;
  const ids = Array.isArray(error.details.ids) ? (error.details.ids as unknown[]).map(String) : [];
  const named = ids
    .slice(0, 5)
    .map((id) => names.get(id) ?? id)
    .join(', ');
  const more = ids.length > 5 ? ` and ${ids.length - 5} more` : '';
  let reason = error.message;
  if (error.code === 'NOT_FOUND' && ids.length > 0) {
    reason = `${ids.length === 1 ? '1 selected key no longer exists' : `${ids.length} selected keys no longer exist`} or is not visible to you (${named}${more}). Reload and select again.`;
  } else if (error.code === 'KEY_REVOKED' && ids.length > 0) {
    reason = `${ids.length === 1 ? '1 selected key is' : `${ids.length} selected keys are`} revoked, and a revoked key cannot be ${action === 'regenerate' ? 'regenerated' : `${action}d`} (${named}${more}). Deselect ${ids.length === 1 ? 'it' : 'them'} and try again.`;
  } else if (error.code === 'BULK_LIMIT_EXCEEDED' && typeof error.details.max === 'number') {
    reason = `At most ${error.details.max.toLocaleString()} keys can be changed at once; ${names.size.toLocaleString()} are selected.`;
  }
  return new ApiError(error.status, error.code, `Nothing was changed: ${reason}`, error.details, error.requestId);
}

export function countKeys(n: number): string {
  return n === 1 ? '1 key' : `${n.toLocaleString()} keys`;
}
