/**
 * The dashboard's only way to the server: the public HTTP API with the session cookie. Mutations carry the
 * CSRF token that sign-in returned. It is kept in localStorage so a reload or a second tab keeps working; it is
 * useless without the HttpOnly, SameSite=Strict session cookie, which scripts cannot read.
 */
const CSRF_STORAGE = 'latchkey.csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
    readonly requestId: string | null,
  ) {
    super(message);
  }

  /** Field-level problems from a validation error, keyed by the body property they concern. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = this.details.issues;
    if (Array.isArray(issues)) {
      for (const issue of issues as { field?: string; message?: string }[]) {
        // `metadata.team` or `rateLimit.limit` belongs to the form field for its first segment.
        const name = (issue.field ?? '').split('.')[0] ?? '';
        if (name && issue.message && !out[name]) out[name] = issue.message;
      }
    }
    const field = this.details.field;
    if (typeof field === 'string' && !out[field]) out[field] = this.message;
    return out;
  }
}

export function setCsrfToken(token: string | null): void {
  if (token === null) localStorage.removeItem(CSRF_STORAGE);
  else localStorage.setItem(CSRF_STORAGE, token);
}

/** Fired when the server stops accepting the session (expired, signed out elsewhere, removed from the organization). */
export const SESSION_ENDED_EVENT = 'latchkey:session-ended';

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Calls the API and returns its JSON body; any non-2xx answer becomes an ApiError carrying the standard error body. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = localStorage.getItem(CSRF_STORAGE);
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached. Check your connection and try again.', {}, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (response.status === 401 && path !== '/v1/auth/sign-in') window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown>; requestId?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_' + response.status,
      error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
      error?.details ?? {},
      error?.requestId ?? null,
    );
  }
  return parsed as T;
}
