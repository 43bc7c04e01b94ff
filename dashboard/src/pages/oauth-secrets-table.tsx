import { useState } from 'react';

/**
 * Several new secrets, each shown this once with its own copy button, and one button copying them all as
 * name–tab–secret lines. The rows live only in the owning dialog's state.
 */
export function SecretsTable(props: { rows: { id: string; name: string; secret: string }[]; label: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}.`);
    } catch {
      setCopied('The browser refused the clipboard; select the text and copy it.');
    }
  };
  return (
    <>
      <div className="secret-reveal">
        <p className="warning" role="alert">
          <strong>Copy these secrets now.</strong> Each is shown only once: Latchkey stores only digests and cannot show them again.
        </p>
      </div>
      <div className="bulk-secrets">
        <table>
          <thead>
            <tr>
              <th scope="col">{props.label}</th>
              <th scope="col">New secret</th>
              <th scope="col">
                <span className="visually-hidden">Copy</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.id}>
                <td>{row.name}</td>
                <td>
                  <input className="secret mono" readOnly value={row.secret} aria-label={`New secret for ${row.name}`} onFocus={(event) => event.currentTarget.select()} />
                </td>
                <td>
                  <button type="button" aria-label={`Copy secret for ${row.name}`} onClick={() => void copy(row.secret, `the secret for ${row.name}`)}>
                    Copy
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p aria-live="polite" className="hint">
        {copied ?? ''}
      </p>
      <button type="button" onClick={() => void copy(props.rows.map((row) => `${row.name}\t${row.secret}`).join('\n'), 'every name and secret, one per line')}>
        Copy all
      </button>
    </>
  );
}
