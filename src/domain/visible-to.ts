import type { ApiKey } from './api-key.js';
import type { Principal } from './principal.js';

/** A project-restricted caller sees only keys confined within its own projects. */
export function visibleTo(caller: Principal, key: Pick<ApiKey, 'projectIds'>): boolean {
  if (caller.projectIds === null) return true;
  return key.projectIds !== null && key.projectIds.every((id) => caller.projectIds!.includes(id));
}
