import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `whsec_` and 32 base62 characters (≈ 190 bits); the prefix lets secret scanners spot a leaked one. */
export function generateSigningSecret(bytes: Uint8Array = randomBytes(32)): string {
  let body = '';
  for (let i = 0; i < 32; i++) body += base62[(bytes[i] ?? 0) % 62];
  return `whsec_${body}`;
}

export const visibleSecretPrefix = (secret: string) => secret.slice(0, 'whsec_'.length + 4);

/** The signature a receiver recomputes: HMAC-SHA256 over `${timestamp}.${body}`, hex. */
export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Public on purpose, like the demo key: development databases only. */
const developmentKey = createHash('sha256').update('clinicgraph development webhook key, never for production').digest();

export class SecretKeyError extends Error {}

/**
 * WEBHOOK_SECRET_KEY: 32 bytes, as 64 hex digits or base64. Signing needs each subscription's secret
 * back, so it cannot be hashed like an API key; it is encrypted (AES-256-GCM) under this key, which
 * lives outside the database. Required with NODE_ENV=production; elsewhere a public development key
 * stands in.
 */
export function secretKeyFromEnv(env: Record<string, string | undefined> = process.env): Buffer {
  const raw = env.WEBHOOK_SECRET_KEY?.trim();
  if (!raw) {
    if (env.NODE_ENV === 'production') {
      throw new SecretKeyError('WEBHOOK_SECRET_KEY is not set: webhooks need it in production (32 random bytes, e.g. `openssl rand -hex 32`).');
    }
    return developmentKey;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new SecretKeyError('WEBHOOK_SECRET_KEY must be 32 bytes: 64 hex digits or base64 (`openssl rand -hex 32`).');
  return key;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** `v1.<key id>.<iv>.<tag>.<ciphertext>`: the key id tells which server key a secret needs. */
export function encryptSecret(secret: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', keyId(key), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export function decryptSecret(stored: string, key: Buffer): string {
  const [version, storedKeyId, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !sealed) throw new SecretKeyError('The stored signing secret is not in a known format.');
  if (storedKeyId !== keyId(key)) {
    throw new SecretKeyError(
      `The signing secret was encrypted under another WEBHOOK_SECRET_KEY (key id ${storedKeyId}, this server has ${keyId(key)}): restore that key, or rotate the subscription's secret.`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}
