import { formatDate, formatDay } from '../format.js';

/** The day only, to keep tables narrow; the full time is in the tooltip and the machine-readable attribute. */
export function ShortDate({ iso, empty = 'Never' }: { iso: string | null; empty?: string }) {
  if (!iso) return <>{empty}</>;
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {formatDay(iso)}
    </time>
  );
}
