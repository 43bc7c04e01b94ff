import { isStorageUnavailable } from '../domain/storage-unavailable.js';
import { AppError } from '../domain/app-error.js';
import { createCipheriv, createDecipheriv, randomBytes, type webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, errors, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { StoredSigningKey } from '../storage/repositories/oauth-signing-key-repository.js';
import { serverKeySource } from './server-keys.js';
import type { ServiceContext } from './service-context.js';

type CryptoKey = webcrypto.CryptoKey;

const ALG = 'ES256';
const TYP = 'at+jwt';
/** How long an instance signs with the key it loaded before looking again (another instance may have rotated). */
const RECHECK_MS = 60_000;
/** Clock skew a resource server may allow: a retired key stays published this much past its last token's expiry. */
const SKEW_MS = 5 * 60_000;

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

interface SigningKey {
  kid: string;
  generation: number;
  createdAt: number;
  privateKey: CryptoKey;
  loadedAt: number;
}

/**
 * The ES256 keys that sign RFC 9068 access tokens (m008). The private key is stored encrypted with AES-256-GCM
 * under a server key (LATCHKEY_PEPPER-derived, or generated and kept in server_secrets like the cursor key), so a
 * dump of the keys table alone signs nothing. A key older than LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS is replaced
 * inside a transaction that inserts generation n+1 under a unique constraint: instances rotating at once add one
 * key between them. Retired keys stay in the JWKS until every token they signed has expired.
 */
export class OAuthSigningKeys {
  private readonly encryptionKey: () => Promise<Buffer>;
  private signing: SigningKey | undefined;
  private readonly publicKeys = new Map<string, CryptoKey>();

  constructor(private readonly ctx: ServiceContext) {
    this.encryptionKey = serverKeySource('oauth-signing-key-encryption-v1', ctx.config.pepper, ctx.storage, ctx.now);
  }

  /**
   * A signer bound to the current key (rotated first when due). Taken before a transaction and used inside it,
   * since loading or rotating the key is storage work of its own.
   */
  async signer(): Promise<(claims: AccessTokenClaims) => Promise<string>> {
    const key = await this.currentKey();
    return ({ iat, exp, ...rest }) => new SignJWT({ ...rest }).setProtectedHeader({ alg: ALG, typ: TYP, kid: key.kid }).setIssuedAt(iat).setExpirationTime(exp).sign(key.privateKey);
  }

  /**
   * Whether `token` is an access token signed by one of these keys (typ at+jwt, ES256). Expiry is not judged
   * here: the credential row carries the same instant and answers EXPIRED, as for every other credential.
   */
  async signedByUs(token: string): Promise<boolean> {
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== ALG || header.typ !== TYP) return false;
      kid = header.kid;
    } catch {
      return false;
    }
    if (typeof kid !== 'string' || kid.length > 100) return false;
    const key = await this.publicKey(kid);
    if (!key) return false;
    try {
      await jwtVerify(token, key, { algorithms: [ALG], typ: TYP, currentDate: new Date(this.ctx.now()) });
      return true;
    } catch (error) {
      return error instanceof errors.JWTExpired;
    }
  }

  /** RFC 7517 key set: the current key and those retired while tokens they signed may still be live. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const since = this.ctx.now() - this.ctx.config.oauth.accessTokenTtlMs - SKEW_MS;
    let keys = await this.ctx.storage.run((repos) => repos.signingKeys.published(since));
    if (keys.length === 0) {
      await this.currentKey();
      keys = await this.ctx.storage.run((repos) => repos.signingKeys.published(since));
    }
    return { keys: keys.map((k) => ({ ...(JSON.parse(k.publicJwk) as JWK), kid: k.kid, alg: ALG, use: 'sig' })) };
  }

  /**
   * Replaces the signing key: when it is due, or at once with `force` (an operator's rotation, or a suspected
   * leak). Answers the kid that signs afterwards, whoever created it.
   */
  async rotate(force = false): Promise<string> {
    await this.replace(force);
    this.signing = undefined;
    return (await this.currentKey()).kid;
  }

  private async currentKey(): Promise<SigningKey> {
    const now = this.ctx.now();
    const held = this.signing;
    if (held && now - held.loadedAt < RECHECK_MS && !this.due(held.createdAt, now)) return held;
    const stored = await this.ctx.storage.run((repos) => repos.signingKeys.current());
    if (stored && !this.due(stored.createdAt, now)) return this.adopt(stored, now);
    await this.replace(false);
    return this.loadCurrent(now);
  }

  private due(createdAt: number, now: number): boolean {
    return createdAt + this.ctx.config.oauth.signingKeyRotateMs <= now;
  }

  /** Adds generation n+1 when the key is due (or `force`); a concurrent rotation that committed first wins. */
  private async replace(force: boolean): Promise<void> {
    const now = this.ctx.now();
    const candidate = await this.newKey(now);
    await this.ctx.storage.transaction(async (tx) => {
      const current = await tx.signingKeys.current();
      if (current && !force && !this.due(current.createdAt, now)) return;
      const generation = (current?.generation ?? 0) + 1;
      // Another instance that committed generation n+1 first makes this insert a no-op: one key is added.
      if (!(await tx.signingKeys.insertIfGenerationFree({ ...candidate, generation }))) return;
      await tx.signingKeys.retireBelow(generation, now);
      await tx.signingKeys.deleteRetired(now - this.ctx.config.oauth.accessTokenTtlMs - SKEW_MS);
    });
  }

  private async loadCurrent(now: number): Promise<SigningKey> {
    const stored = await this.ctx.storage.run((repos) => repos.signingKeys.current());
    if (!stored) throw new Error('no signing key after rotation');
    return this.adopt(stored, now);
  }

  private async adopt(stored: StoredSigningKey, now: number): Promise<SigningKey> {
    if (this.signing?.kid === stored.kid) {
      this.signing.loadedAt = now;
      return this.signing;
    }
    let jwk: JWK;
    try {
      jwk = JSON.parse(await this.decrypt(stored.encryptedPrivateJwk, stored.kid)) as JWK;
    } catch (error) {
      if (isStorageUnavailable(error)) throw error;
      // Sealed under another server key (the pepper changed): a fault of the deployment, answered 503, not a bug.
      throw new AppError('SIGNING_KEY_UNAVAILABLE', { cause: error });
    }
    const privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
    this.signing = { kid: stored.kid, generation: stored.generation, createdAt: stored.createdAt, privateKey, loadedAt: now };
    return this.signing;
  }

  /** Public keys never change for a kid, so a found one is kept; an unknown kid is asked of storage each time. */
  private async publicKey(kid: string): Promise<CryptoKey | null> {
    const known = this.publicKeys.get(kid);
    if (known) return known;
    const stored = await this.ctx.storage.run((repos) => repos.signingKeys.find(kid));
    if (!stored) return null;
    const key = (await importJWK(JSON.parse(stored.publicJwk) as JWK, ALG)) as CryptoKey;
    if (this.publicKeys.size > 100) this.publicKeys.clear();
    this.publicKeys.set(kid, key);
    return key;
  }

  private async newKey(now: number): Promise<Omit<StoredSigningKey, 'generation'>> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const encrypted = await this.encrypt(JSON.stringify(await exportJWK(privateKey)), kid);
    return { kid, algorithm: ALG, publicJwk: JSON.stringify(publicJwk), encryptedPrivateJwk: encrypted, createdAt: now, retiredAt: null };
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, the kid as associated data so a ciphertext cannot be moved to another row. */
  private async encrypt(plain: string, kid: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.encryptionKey(), iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  private async decrypt(sealed: string, kid: string): Promise<string> {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unreadable signing key');
    const decipher = createDecipheriv('aes-256-gcm', await this.encryptionKey(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
