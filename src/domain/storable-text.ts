/** An unpaired surrogate: PostgreSQL would store U+FFFD in its place and SQLite three of them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when both databases store the text exactly as given: PostgreSQL refuses NUL in text (a driver error,
 * once a 500), and neither database can keep a lone surrogate, so each would silently store something else.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
