/** What a caller needs to verify other credentials, on every path that verifies. */
export const VERIFY_PERMISSION = 'latchkey:keys:verify';
