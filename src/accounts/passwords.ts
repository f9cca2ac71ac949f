import { hash, verify } from '@node-rs/argon2';
import type { AccountsConfig } from './config.js';

export const minPasswordLength = 12;
export const maxPasswordLength = 256;

/** argon2id (the library's default algorithm), with a random 16-byte salt, as a PHC string. */
export function hashPassword(password: string, params: AccountsConfig['argon2']): Promise<string> {
  return hash(password, { memoryCost: params.memoryKiB, timeCost: params.timeCost, parallelism: params.parallelism });
}

/**
 * Verifies against the stored PHC string (its own parameters). For an unknown account it verifies
 * against a throwaway hash of the same cost, so a missing account takes as long as a wrong password.
 */
export async function verifyPassword(stored: string | null, password: string, params: AccountsConfig['argon2']): Promise<boolean> {
  const target = stored ?? (await decoyHash(params));
  try {
    const ok = await verify(target, password);
    return ok && stored !== null;
  } catch {
    return false;
  }
}

let decoy: { key: string; hash: Promise<string> } | undefined;
function decoyHash(params: AccountsConfig['argon2']): Promise<string> {
  const key = `${params.memoryKiB}/${params.timeCost}/${params.parallelism}`;
  if (decoy?.key !== key) decoy = { key, hash: hashPassword('decoy password that matches nothing', params) };
  return decoy.hash;
}

/** A reason the password is refused, or null. Length only (NIST SP 800-63B): no composition rules. */
export function passwordProblem(password: string, confirmation: string): string | null {
  if (password.length < minPasswordLength) return `Use at least ${minPasswordLength} characters.`;
  if (password.length > maxPasswordLength) return `Use at most ${maxPasswordLength} characters.`;
  if (password !== confirmation) return 'The two passwords differ. Type the same password twice.';
  return null;
}
