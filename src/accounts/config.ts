import { positiveInteger, type Env } from '../env.js';

/** Settings of clinic admin accounts, sessions and sign-in; each has an environment variable and a default. */
export interface AccountsConfig {
  /** argon2id cost. Defaults are OWASP's (19 MiB, 2 passes, 1 lane); tests may lower them, production must not. */
  argon2: { memoryKiB: number; timeCost: number; parallelism: number };
  session: { ttlMs: number; idleMs: number };
  /** `auto`: Secure when the request arrived over TLS (directly, or per X-Forwarded-Proto with TRUST_PROXY). */
  secureCookies: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  signIn: {
    /** Failed sign-ins per account per window. */
    accountPoints: number;
    /** Failed sign-ins per client address per window. */
    addressPoints: number;
    windowSeconds: number;
  };
  passwordLinkTtlMs: number;
  authorizationCodeTtlSeconds: number;
  /** Where people open the console; set-password links printed by the CLI start with it. */
  publicUrl: string;
}

function secureCookies(env: Env): AccountsConfig['secureCookies'] {
  const raw = env.COOKIE_SECURE?.trim().toLowerCase() || 'auto';
  if (raw === 'auto') return 'auto';
  if (['1', 'true', 'yes', 'always'].includes(raw)) return 'always';
  if (['0', 'false', 'no', 'never'].includes(raw)) return 'never';
  throw new Error(`COOKIE_SECURE must be auto, true or false; got "${env.COOKIE_SECURE}".`);
}

export function readAccountsConfig(env: Env = process.env): AccountsConfig {
  const production = env.NODE_ENV === 'production';
  const argon2 = {
    memoryKiB: positiveInteger(env, 'ARGON2_MEMORY_KIB', 19_456),
    timeCost: positiveInteger(env, 'ARGON2_TIME_COST', 2),
    parallelism: positiveInteger(env, 'ARGON2_PARALLELISM', 1),
  };
  if (production && (argon2.memoryKiB < 19_456 || argon2.timeCost < 2)) {
    throw new Error('With NODE_ENV=production, ARGON2_MEMORY_KIB must be at least 19456 and ARGON2_TIME_COST at least 2 (OWASP minimums).');
  }
  return {
    argon2,
    session: {
      ttlMs: positiveInteger(env, 'SESSION_TTL_MINUTES', 12 * 60) * 60_000,
      idleMs: positiveInteger(env, 'SESSION_IDLE_MINUTES', 30) * 60_000,
    },
    secureCookies: secureCookies(env),
    trustProxy: ['1', 'true', 'yes', 'on'].includes(env.TRUST_PROXY?.trim().toLowerCase() ?? ''),
    signIn: {
      accountPoints: positiveInteger(env, 'SIGN_IN_LIMIT_ACCOUNT', 5),
      addressPoints: positiveInteger(env, 'SIGN_IN_LIMIT_ADDRESS', 20),
      windowSeconds: positiveInteger(env, 'SIGN_IN_LIMIT_WINDOW', 900),
    },
    passwordLinkTtlMs: positiveInteger(env, 'PASSWORD_LINK_TTL_HOURS', 72) * 3_600_000,
    authorizationCodeTtlSeconds: 60,
    publicUrl: (env.PUBLIC_URL?.trim() || `http://localhost:${env.PORT?.trim() || '4000'}`).replace(/\/+$/, ''),
  };
}

export interface AccountsOverrides {
  argon2?: Partial<AccountsConfig['argon2']>;
  session?: Partial<AccountsConfig['session']>;
  signIn?: Partial<AccountsConfig['signIn']>;
  secureCookies?: AccountsConfig['secureCookies'];
  trustProxy?: boolean;
}

export function accountsConfig(overrides: AccountsOverrides = {}, env: Env = process.env): AccountsConfig {
  const base = readAccountsConfig(env);
  return {
    ...base,
    ...(overrides.secureCookies ? { secureCookies: overrides.secureCookies } : {}),
    ...(overrides.trustProxy !== undefined ? { trustProxy: overrides.trustProxy } : {}),
    argon2: { ...base.argon2, ...overrides.argon2 },
    session: { ...base.session, ...overrides.session },
    signIn: { ...base.signIn, ...overrides.signIn },
  };
}
