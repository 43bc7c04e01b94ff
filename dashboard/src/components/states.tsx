import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** The server's error as a message: code, what it said, and the request id to quote to an operator. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError ? apiError.message : error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <div className="error-message" role="alert">
      {title && <strong>{title} </strong>}
      {message}
      {apiError && apiError.code && (
        <span className="error-meta">
          {' '}
          ({apiError.code}
          {apiError.requestId ? `, request ${apiError.requestId}` : ''})
        </span>
      )}
    </div>
  );
}
