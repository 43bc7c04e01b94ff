import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { focusFirstInvalid } from '../components/focus-first-invalid.js';

/**
 * The state every form shares: errors by field, the server's refusal, and whether a request is out. `check`
 * shows client-side problems and says whether the form may be sent; `send` runs the request and, if the server
 * refuses, puts its field errors next to the fields (through `fieldErrors`, for forms whose fields are named
 * differently from the API's) and its message below the form.
 */
export function useSubmission(fieldErrors: (error: unknown) => Record<string, string> = defaultFieldErrors) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function check(form: HTMLFormElement | null, found: Record<string, string>): boolean {
    setErrors(found);
    setError(null);
    if (Object.keys(found).length === 0) return true;
    focusFirstInvalid(form);
    return false;
  }

  async function send(form: HTMLFormElement | null, request: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    try {
      await request();
      return true;
    } catch (caught) {
      setErrors(fieldErrors(caught));
      setError(caught);
      focusFirstInvalid(form);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { errors, error, busy, check, send };
}

function defaultFieldErrors(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}
