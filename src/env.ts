/** Environment variables as settings read them (tests pass their own). */
export type Env = Record<string, string | undefined>;

/** A positive whole number, `fallback` when unset or blank; anything else is refused, naming the variable. */
export function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer; got "${raw}".`);
  return value;
}
