import { createHash, createHmac } from 'node:crypto';

/**
 * One fast digest per secret. Tokens carry ~190 random bits, so a slow KDF would add latency and no safety;
 * the optional pepper (kept outside the database) makes a stolen table useless for confirming guesses.
 */
export function createSecretDigester(pepper: string | undefined): (secret: string) => string {
  if (pepper) return (secret) => createHmac('sha256', pepper).update(secret).digest('base64url');
  return (secret) => createHash('sha256').update(secret).digest('base64url');
}
