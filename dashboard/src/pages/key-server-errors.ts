import { ApiError } from '../api/client.js';
import { ADVANCED_SERVER_FIELDS } from './advanced-key-values.js';

const FORM_FIELD: Record<string, string> = {
  ...ADVANCED_SERVER_FIELDS,
  projectIds: 'projects',
  expiresAt: 'expiration',
  expiresIn: 'expiration',
};

/**
 * The server's refusal of a key form, keyed by the form's own field names. Besides validation issues, refusals
 * that list the offending permissions or projects (unknown, or wider than allowed) belong next to those pickers.
 */
export function keyFieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors())) out[FORM_FIELD[field] ?? field] = message;
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : '');
  if (!out.permissions && Array.isArray(error.details.permissions)) out.permissions = `${error.message} (${list(error.details.permissions)})`;
  if (!out.projects && Array.isArray(error.details.projectIds)) out.projects = `${error.message} (${list(error.details.projectIds)})`;
  return out;
}

/** The fields a key form shows; a server error about anything else is shown as a message instead. */
const SHOWN = new Set(['name', 'description', 'permissions', 'projects', 'expiration', 'rateLimit', 'rateWindowSeconds', 'creditsRemaining', 'refillAmount', 'refillInterval', 'ipRanges', 'metadata']);

/** Whether every field error the server gave has a place in the form, so repeating the message would be noise. */
export function allShownInForm(fieldErrors: Record<string, string>): boolean {
  const fields = Object.keys(fieldErrors);
  return fields.length > 0 && fields.every((field) => SHOWN.has(field));
}
