import { AppError } from './app-error.js';
import { type Principal, principalCan } from './principal.js';

/** The one refusal for a credential that lacks a permission: 403 with the RFC 6750 challenge naming it. */
export function requirePermission(principal: Principal, permission: string): void {
  if (!principalCan(principal, permission)) {
    throw new AppError('PERMISSION_DENIED', {
      message: `This credential lacks the ${permission} permission.`,
      details: { required: permission },
      headers: { 'www-authenticate': `Bearer realm="latchkey", error="insufficient_scope", scope="${permission}"` },
    });
  }
}
