import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: session cookies, set-password links, authorization codes, client secrets. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** These tokens carry 256 bits of entropy, so a fast hash is safe and lets a token be looked up by its hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
