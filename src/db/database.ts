import { onOff } from '../env.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite, ParserOptions } from '@electric-sql/pglite';
import { newPGlite, pgliteAdapterFactory } from './pglite.js';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, migrationFolders, projectRoot } from './migrate.js';
import { tracedStatement } from '../http/tracing.js';

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; url: string };

export const defaultDataDir = path.join(projectRoot, 'data/clinicgraph');

/** Reads DATABASE_URL: unset → embedded PGlite in ./data/clinicgraph; `pglite:<dir>`, `pglite:memory`, or a postgres URL. */
export function parseDatabaseUrl(value: string | undefined = process.env.DATABASE_URL): DatabaseTarget {
  if (!value) return { kind: 'pglite', dataDir: defaultDataDir };
  if (value === 'pglite:memory') return { kind: 'pglite', dataDir: null };
  if (value.startsWith('pglite:')) return { kind: 'pglite', dataDir: path.resolve(value.slice('pglite:'.length)) };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  throw new Error(
    `DATABASE_URL must be unset (embedded database in ./data/clinicgraph), "pglite:memory", "pglite:<directory>" or a postgres:// URL; got "${value.split(':')[0]}:…".`,
  );
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') {
    const url = new URL(target.url);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  }
  return target.dataDir ? `embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), target.dataDir) || '.'}` : 'embedded PostgreSQL (PGlite) in memory';
}

export interface Database {
  readonly target: DatabaseTarget;
  readonly prisma: PrismaClient;
  /** The embedded database itself, when it is one (the webhook queue runs on it directly). */
  readonly pglite?: PGlite;
  /** Applies pending migrations; returns their names. */
  migrate(): Promise<string[]>;
  /**
   * The client clinic-data reads go to: the next replica (round robin) when DATABASE_REPLICA_URLS
   * names any, else the primary. Authentication and every write use `prisma`, the primary, so a
   * revocation never waits on replication lag.
   */
  reader(): PrismaClient;
  /**
   * Calls `listener` with each SQL statement sent and its parameters (a JSON array, as Prisma logs
   * them); returns the function that stops it.
   */
  onStatement(listener: StatementListener): () => void;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Loading the WASM schema engine costs seconds; most starts have nothing to apply, which one query
 * against Prisma's own bookkeeping table tells.
 */
async function hasPendingMigrations(prisma: PrismaClient): Promise<boolean> {
  // Names only: whether one is missing from the bookkeeping table is all a start needs to know.
  const folders = await migrationFolders();
  try {
    const applied = await rawQueryOf(prisma)<{ migration_name: string }>(
      Prisma.sql`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const names = new Set(applied.map((row) => row.migration_name));
    return folders.some((folder) => !names.has(folder));
  } catch {
    return true;
  }
}

export type StatementListener = (sql: string, params: string) => void;

/** A connection (or transaction) whose statements each run in a span (src/http/tracing.ts). */
function tracedQueryable<Queryable extends SqlQueryable>(target: Queryable): Queryable {
  return new Proxy(target, {
    get(queryable, property) {
      if (property === 'queryRaw') return (query: SqlQuery) => tracedStatement(query.sql, () => queryable.queryRaw(query));
      if (property === 'executeRaw') return (query: SqlQuery) => tracedStatement(query.sql, () => queryable.executeRaw(query));
      const value: unknown = Reflect.get(queryable, property, queryable);
      if (property === 'startTransaction' && typeof value === 'function') {
        return async (...args: unknown[]) => tracedQueryable(await (value as (...a: unknown[]) => Promise<SqlQueryable>).apply(queryable, args));
      }
      return typeof value === 'function' ? value.bind(queryable) : value;
    },
  });
}

function tracedAdapter(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return new Proxy(factory, {
    get(target, property) {
      if (property === 'connect') return async () => tracedQueryable(await target.connect());
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A client whose statements can be observed (statement counts in tests, benchmarks and metrics) and are
 * traced, built on first use: constructing a PrismaClient decodes its query parameterization schema,
 * about 12 MB of heap held for the life of the process, and the API's reads, authentication and audit
 * record go through the driver (`rawQueryOf`), so a server that serves only those never builds one.
 * The handle exists from the start all the same: `directs` and callers hold it.
 */
function observedClient(adapter: SqlMigrationAwareDriverAdapterFactory, listeners = new Set<StatementListener>()) {
  let built: PrismaClient | undefined;
  const client = (): PrismaClient => {
    if (built) return built;
    const logging = new PrismaClient({ adapter: tracedAdapter(adapter), log: [{ emit: 'event', level: 'query' }] });
    logging.$on('query', (event) => {
      for (const listener of listeners) listener(event.query, event.params);
    });
    return (built = logging as unknown as PrismaClient);
  };
  const prisma = new Proxy({} as PrismaClient, {
    get(_, property) {
      // Awaiting a value that holds the handle asks for `then`; that alone must not build the client.
      if (property === 'then') return undefined;
      const target = client();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (_, property) => Reflect.has(client(), property),
  });
  const onStatement = (listener: StatementListener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  /** Disconnects the client if it was ever built. */
  const disconnect = async () => void (await built?.$disconnect());
  return { prisma, onStatement, listeners, disconnect };
}

/** A statement run on the driver directly. */
export type DirectRead = <Row>(sql: Prisma.Sql) => Promise<Row[]>;

interface Direct {
  /** Clinic rows as the API serves them (`clinicRowTypes`), on PostgreSQL and PGlite alike. */
  clinicRows: DirectRead;
  /** Rows typed as Prisma's `$queryRaw` types them (Date, Decimal, BigInt): authentication, the audit record. */
  query?: DirectRead;
}

const directs = new WeakMap<PrismaClient, Direct>();

/**
 * The direct read path of a client this module opened on PostgreSQL, if any. Prisma's raw-query path
 * (parameters serialized to JSON and back, every cell mapped through its result decoder) doubled the
 * CPU of a 500-row statement; clinic reads (src/data/loaders.ts) take this path instead, on the same
 * pool, with the same statement timeout and the same statement listeners. Any other client (PGlite,
 * a test double) keeps `$queryRaw`.
 */
export function directReadOf(client: PrismaClient): DirectRead | undefined {
  return directs.get(client)?.clinicRows;
}

/**
 * A raw statement with Prisma's raw-result types: through the driver when this module opened the
 * client, else `$queryRaw`. Whatever runs on every start and every request goes this way: the first
 * statement Prisma itself runs, raw or not, loads its query compiler (WebAssembly, about 40 MB of the
 * process's memory, never released), which the API's own reads and writes do not need.
 */
export function rawQueryOf(client: PrismaClient): DirectRead {
  return directs.get(client)?.query ?? (<Row>(sql: Prisma.Sql) => client.$queryRaw<Row[]>(sql));
}

const digits = (text: string, from: number, to: number): number => {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
};

/**
 * `2026-01-31 14:05:09.123` (PostgreSQL's text form of a timestamp) as the UTC instant it stores. Read
 * digit by digit: a 500-row page carries 2,000 of these, and building an ISO string for Date to parse
 * again cost twice as much. Any other form (more year digits, BC, infinity) takes Date's parser.
 */
export function parseUtcTimestamp(value: string): Date {
  const fraction = value.length > 20 && value.charCodeAt(19) === 46;
  if (value.length < 19 || value.charCodeAt(4) !== 45 || value.charCodeAt(10) !== 32 || (value.length > 19 && !fraction) || value.length > 26) {
    return new Date(`${value.replace(' ', 'T')}Z`);
  }
  const year = digits(value, 0, 4);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) return new Date(`${value.replace(' ', 'T')}Z`);
  const milliseconds = fraction ? Math.floor(digits(value, 20, value.length) / 10 ** (value.length - 23)) : 0;
  return new Date(Date.UTC(year, digits(value, 5, 7) - 1, digits(value, 8, 10), digits(value, 11, 13), digits(value, 14, 16), digits(value, 17, 19), milliseconds));
}

/** Prisma's raw-result types for the column types clinic tables use; everything else as pg parses it. */
const prismaLikeTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case 1114: // timestamp(3), stored in UTC
        return parseUtcTimestamp;
      case 1082: // date
        return (value: string) => new Date(`${value}T00:00:00.000Z`);
      case 20: // bigint (count(*))
        return (value: string) => BigInt(value);
      case 1700: // numeric
        return (value: string) => new Prisma.Decimal(value);
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  }) as typeof pg.types.getTypeParser,
};

/**
 * `2026-01-31 14:05:09.12` → `2026-01-31T14:05:09.120Z`, the form the DateTime scalar serves, by text
 * alone: no Date is built to be printed again for each of a page's timestamps. Other forms (BC, more
 * year digits) become a Date, which the scalar prints as well.
 */
export function isoInstant(value: string): string | Date {
  if (value.length < 19 || value.length > 26 || value.charCodeAt(4) !== 45 || value.charCodeAt(10) !== 32) return parseUtcTimestamp(value);
  if (value.length === 19) return `${value.slice(0, 10)}T${value.slice(11)}.000Z`;
  if (value.charCodeAt(19) !== 46) return parseUtcTimestamp(value);
  return `${value.slice(0, 10)}T${value.slice(11, 23).padEnd(23 - 11, '0')}Z`;
}

/**
 * Clinic rows as the API serves them: instants as ISO-8601 text, dates as YYYY-MM-DD and amounts as
 * the decimal text PostgreSQL sends (the scalars pass these through), counts as BigInt.
 */
const clinicRowTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case 1114:
        return isoInstant;
      case 1082:
      case 1700:
        return (value: string) => value;
      case 20:
        return (value: string) => BigInt(value);
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  }) as typeof pg.types.getTypeParser,
};

/**
 * Names for prepared statements, one per distinct statement text (id lists go as one array parameter,
 * so a query's texts repeat). PostgreSQL then parses and plans each text once per connection, and pg
 * sends only Bind/Execute afterwards. Bounded: past `max` texts (searches with many words, say),
 * statements go unnamed, as before, so neither this map nor the server's per-connection cache grows
 * without end.
 */
function statementNames(max = 500): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < max) names.set(text, (name = `cg${names.size}`));
    return name;
  };
}

/** One naming for the process: a name means the same text on every connection, whichever reader sends it. */
const nameOfStatement = statementNames();
const unnamed = () => undefined;

/**
 * DATABASE_PREPARED_STATEMENTS=off sends every statement unnamed: for a pooler between the server and
 * PostgreSQL that hands each transaction another server connection (PgBouncer's transaction mode before
 * 1.21, or with max_prepared_statements = 0), where a statement prepared on one connection is missing on the next.
 */
export function preparedStatementsFromEnv(value = process.env.DATABASE_PREPARED_STATEMENTS): boolean {
  return onOff({ DATABASE_PREPARED_STATEMENTS: value }, 'DATABASE_PREPARED_STATEMENTS', true);
}

interface DirectReadOptions {
  pool: pg.Pool;
  listeners: ReadonlySet<StatementListener>;
  types: typeof clinicRowTypes;
  prepared: boolean;
}

function directRead({ pool, listeners, types, prepared }: DirectReadOptions): DirectRead {
  const nameOf = prepared ? nameOfStatement : unnamed;
  return async <Row>(sql: Prisma.Sql) => {
    // Instants go as UTC text: pg would send local time with an offset, which a timestamp column ignores.
    const values = sql.values.map((value) => (value instanceof Date ? value.toISOString() : value));
    if (listeners.size > 0) {
      const params = JSON.stringify(values);
      for (const listener of listeners) listener(sql.text, params);
    }
    const text = sql.text;
    const result = await tracedStatement(text, () => pool.query({ name: nameOf(text), text, values, types }));
    return result.rows as Row[];
  };
}

export function replicaUrlsFromEnv(value = process.env.DATABASE_REPLICA_URLS): string[] {
  const urls = (value ?? '').split(',').map((url) => url.trim()).filter(Boolean);
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_REPLICA_URLS takes comma-separated postgres:// URLs.');
  }
  return urls;
}

export interface PostgresOptions {
  /** Read replicas; defaults to the comma-separated DATABASE_REPLICA_URLS. */
  replicaUrls?: string[];
  poolSize?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Named (prepared) statements for clinic reads; defaults to DATABASE_PREPARED_STATEMENTS (on). */
  preparedStatements?: boolean;
}

function postgresPoolConfig(url: string, options: PostgresOptions): pg.PoolConfig {
  return {
    connectionString: url,
    max: options.poolSize ?? Number(process.env.DATABASE_POOL_SIZE ?? 10),
    statement_timeout: options.statementTimeoutMs ?? Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? 5000),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
  };
}

/**
 * adapter-pg runs a migration script by splitting it on every ";", which cuts a function body
 * (the change-capture triggers) apart. Prisma's native engine sends the script whole, in one
 * simple-protocol query, and so does this.
 */
function wholeScripts(factory: SqlMigrationAwareDriverAdapterFactory, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => Object.assign(await factory.connect(), { executeScript: async (script: string) => void (await pool.query(script)) }),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

/**
 * The schema engine reads pg_catalog columns of type "char" (OID 18), which adapter-pg cannot decode;
 * migrations run on their own short-lived connection that reads those as text.
 */
async function migratePostgres(url: string): Promise<string[]> {
  const pool = new pg.Pool({
    ...postgresPoolConfig(url, { poolSize: 1, statementTimeoutMs: 0 }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 18 ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  try {
    return await applyMigrations(wholeScripts(new PrismaPg(pool) as SqlMigrationAwareDriverAdapterFactory, pool));
  } finally {
    await pool.end();
  }
}

export async function openDatabase(target: DatabaseTarget, options: PostgresOptions = {}): Promise<Database> {
  if (target.kind === 'postgres') {
    const prepared = options.preparedStatements ?? preparedStatementsFromEnv();
    const pools = [target.url, ...(options.replicaUrls ?? replicaUrlsFromEnv())].map((url) => {
      const pool = new pg.Pool(postgresPoolConfig(url, options));
      // An idle client losing its server must not take the process down; the next query reconnects.
      pool.on('error', () => {});
      return pool;
    });
    const primary = observedClient(new PrismaPg(pools[0]!));
    const { prisma, onStatement, listeners } = primary;
    const replicaClients = pools.slice(1).map((pool) => observedClient(new PrismaPg(pool), listeners));
    const replicas = replicaClients.map((replica) => replica.prisma);
    [prisma, ...replicas].forEach((client, i) =>
      directs.set(client, {
        clinicRows: directRead({ pool: pools[i]!, listeners, types: clinicRowTypes, prepared }),
        query: directRead({ pool: pools[i]!, listeners, types: prismaLikeTypes, prepared }),
      }),
    );
    let next = 0;
    let closing: Promise<void> | undefined;
    return {
      target,
      prisma,
      reader: () => (replicas.length ? replicas[next++ % replicas.length]! : prisma),
      onStatement,
      migrate: async () => ((await hasPendingMigrations(prisma)) ? migratePostgres(target.url) : []),
      ping: async () => void (await rawQueryOf(prisma)(Prisma.sql`SELECT 1`)),
      // Closing twice (a shutdown racing a test's cleanup) must not fail: pg refuses a second pool.end().
      close: () =>
        (closing ??= (async () => {
          await Promise.all([primary, ...replicaClients].map((client) => client.disconnect()));
          await Promise.all(pools.map((pool) => pool.end()));
        })()),
    };
  }
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  return wrapPGlite(newPGlite(target.dataDir ?? undefined), target);
}

/** `clinicRowTypes` for PGlite: the same text forms, so a row has one shape on both databases. */
const pgliteClinicParsers: ParserOptions = {
  1114: (value: string) => isoInstant(value),
  1082: (value: string) => value,
  1700: (value: string) => value,
  20: (value: string) => BigInt(value),
};

/** `prismaLikeTypes` for PGlite. */
const pglitePrismaParsers: ParserOptions = {
  1114: (value: string) => parseUtcTimestamp(value),
  1082: (value: string) => new Date(`${value}T00:00:00.000Z`),
  1700: (value: string) => new Prisma.Decimal(value),
  20: (value: string) => BigInt(value),
};

function pgliteRead(pglite: PGlite, listeners: ReadonlySet<StatementListener>, parsers: ParserOptions): DirectRead {
  return async <Row>(sql: Prisma.Sql) => {
    const values = sql.values.map((value) => (value instanceof Date ? value.toISOString() : value));
    if (listeners.size > 0) {
      const params = JSON.stringify(values);
      for (const listener of listeners) listener(sql.text, params);
    }
    const result = await tracedStatement(sql.text, () => pglite.query<Row>(sql.text, values, { parsers }));
    return result.rows;
  };
}

/** A Database over an already open PGlite (tests start from a dump of a migrated, seeded one). */
export function wrapPGlite(pglite: PGlite, target: DatabaseTarget = { kind: 'pglite', dataDir: null }): Database {
  const factory = pgliteAdapterFactory(pglite);
  const { prisma, onStatement, listeners, disconnect } = observedClient(factory);
  directs.set(prisma, { clinicRows: pgliteRead(pglite, listeners, pgliteClinicParsers), query: pgliteRead(pglite, listeners, pglitePrismaParsers) });
  return {
    target,
    prisma,
    pglite,
    reader: () => prisma,
    onStatement,
    migrate: async () => ((await hasPendingMigrations(prisma)) ? applyMigrations(factory) : []),
    ping: async () => void (await rawQueryOf(prisma)(Prisma.sql`SELECT 1`)),
    close: async () => {
      await disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}
