import { useState } from 'react';

/** The one moment a secret is visible. Nothing keeps it: once the owning dialog closes, it is gone. */
export function SecretReveal({ secret, what = 'key' }: { secret: string; what?: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <div className="secret-reveal">
      <p className="warning" role="alert">
        <strong>Copy this {what} now.</strong> It is shown only once: Latchkey stores only a digest of it and cannot show it again.
      </p>
      <div className="secret-row">
        <label className="visually-hidden" htmlFor="secret-value">
          Secret
        </label>
        <input id="secret-value" className="secret" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} data-testid="secret-value" />
        <button
          type="button"
          className="primary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied('yes');
            } catch {
              setCopied('failed');
            }
          }}
        >
          Copy
        </button>
      </div>
      <p aria-live="polite" className="hint">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser refused the clipboard; select the text and copy it.' : ''}
      </p>
    </div>
  );
}
