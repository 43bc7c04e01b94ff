import { Field } from '../components/field.js';

const MAX_MINUTES = 43_200;

/** Minutes as typed into seconds for the API; empty means no grace period. */
export function parseGraceMinutes(text: string): { seconds: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { seconds: 0 };
  if (!/^\d+$/.test(trimmed)) return { error: 'Enter a whole number of minutes, or leave it empty.' };
  const minutes = Number(trimmed);
  if (minutes > MAX_MINUTES) return { error: 'At most 43,200 minutes (30 days).' };
  return { seconds: minutes * 60 };
}

export function describeGrace(seconds: number): string {
  if (seconds === 0) return 'The old secret stops working immediately.';
  const minutes = seconds / 60;
  const span = minutes % 1440 === 0 ? `${minutes / 1440} day${minutes === 1440 ? '' : 's'}` : minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `The old secret keeps working for ${span} (never past the key's own expiry), so clients can switch over.`;
}

/** How long an old secret keeps working after a regeneration: a number of minutes, with hour shortcuts. */
export function GracePeriodField(props: { value: string; onChange: (value: string) => void; error?: string | undefined }) {
  return (
    <div className="grace-period">
      <Field label="Grace period (minutes)" error={props.error} hint="Optional: how long the old secret keeps working. Empty or 0 ends it now; at most 30 days.">
        {(a) => <input {...a} inputMode="numeric" value={props.value} onChange={(event) => props.onChange(event.target.value)} autoComplete="off" />}
      </Field>
      <div className="shortcuts" role="group" aria-label="Grace period shortcuts">
        {[
          [60, '1 hour'],
          [1440, '24 hours'],
          [10_080, '7 days'],
        ].map(([minutes, label]) => (
          <button key={label} type="button" className="link" onClick={() => props.onChange(String(minutes))}>
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}
