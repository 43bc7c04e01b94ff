const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** One round of percent-decoding that never throws: malformed escapes stay as they are, bytes decode as UTF-8. */
function percentDecodeOnce(text: string): string {
  return text.replace(ESCAPES, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/**
 * Percent-decodes until nothing changes, at most `rounds` times: a value encoded twice (`%255F`) or more is
 * read as what it finally spells. Bounded so a crafted value cannot make a request do unbounded work.
 */
export function percentDecodeFully(text: string, rounds = 8): string {
  let current = text;
  for (let i = 0; i < rounds; i++) {
    const next = percentDecodeOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}
