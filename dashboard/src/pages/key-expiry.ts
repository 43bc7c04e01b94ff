/** A date input's value (YYYY-MM-DD) as the start of that day in the reader's time zone. */
export function startOfLocalDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Tomorrow as a date input writes it: the earliest expiry date that is still in the future. */
export function tomorrowInputValue(now = new Date()): string {
  const t = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
}

/** Checks a chosen expiry date: the key stops working at 00:00 on that day, which must still lie ahead. */
export function parseExpiryDate(value: string, now = Date.now()): { iso: string } | { error: string } {
  if (!value) return { error: 'Choose the date the key expires.' };
  const date = startOfLocalDay(value);
  if (!date) return { error: 'Enter a date as YYYY-MM-DD.' };
  if (date.getTime() <= now) return { error: 'Choose a date in the future.' };
  return { iso: date.toISOString() };
}
