import { createHmac, hash } from 'node:crypto';

/**
 * One fast digest per secret. Tokens carry ~190 random bits, so a slow KDF would add latency and no safety;
 * the optional pepper (kept outside the database) makes a stolen table useless for confirming guesses.
 */
export function createSecretDigester(pepper: string | undefined): (secret: string) => string {
  if (pepper) return (secret) => createHmac('sha256', pepper).update(secret).digest('base64url');
  return (secret) => hash('sha256', secret, 'base64url');
}
