import { createHash, randomBytes } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Secrets look like `cgk_live_<40 base62>` (or `cgk_test_…`): the fixed prefix lets secret scanners
 * recognise a leaked key, and the environment is readable at a glance. 40 base62 chars ≈ 238 bits.
 */
export const secretPattern = /^cgk_(live|test)_[0-9A-Za-z]{40}$/;
const visiblePrefixLength = 'cgk_live_'.length + 6;

export function generateSecret(test: boolean, bytes: Uint8Array = randomBytes(40)): string {
  let body = '';
  // 62 does not divide 256; rejection-free modulo bias on 40 chars is < 2^-4 per char and does not matter at 238 bits.
  for (let i = 0; i < 40; i++) body += base62[(bytes[i] ?? 0) % 62];
  return `cgk_${test ? 'test' : 'live'}_${body}`;
}

/** Secrets have ~238 bits of entropy, so a fast hash is safe and lets the key be looked up by its hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, visiblePrefixLength);
}

/** The demo key: fixed so the README can print it; never created when NODE_ENV=production. */
export const demoSecret = 'cgk_test_DEMOonlyDEMOonlyDEMOonlyDEMOonlyDEMOonly';
