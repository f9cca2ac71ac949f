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

/** `on` or `off` (`fallback` when unset or blank); anything else is refused, naming the variable. */
export function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be on or off; got "${raw}".`);
}

/**
 * GRAPHQL_ONE_STATEMENT=off answers every query through the GraphQL executor, one statement per
 * level (src/execution.ts): the one statement halves the server's CPU for list queries and hands
 * PostgreSQL the JSON to build (README, "Benchmark"), so a deployment whose database is its limit
 * may prefer the other trade. Read here, beside no module of the app, so a start checks it first.
 */
export function oneStatementFromEnv(env: Env = process.env): boolean {
  return onOff(env, 'GRAPHQL_ONE_STATEMENT', true);
}
