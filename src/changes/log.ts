import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { tables, type Table } from '../data/sql.js';
import { badUserInput } from '../errors.js';
import { scopeOfType, type Scope } from '../scopes.js';

/** The types the change log records: every clinic table, named as its GraphQL type. */
export const changeTypes: readonly Table[] = tables;
export type ChangeType = Table;
export type ChangeOperationName = 'insert' | 'update' | 'delete';

export function isChangeType(value: string): value is ChangeType {
  return (changeTypes as readonly string[]).includes(value);
}

/** The change types a set of effective scopes can read, in table order. */
export function readableChangeTypes(scopes: ReadonlySet<string>): ChangeType[] {
  return changeTypes.filter((type) => scopes.has(scopeOfType[type]));
}

export function scopeOfChangeType(type: ChangeType): Scope {
  return scopeOfType[type];
}

export interface Change {
  /** The log's bigserial position, as decimal text (it outgrows a GraphQL Int). */
  position: string;
  transactionId: string;
  organizationId: string;
  type: ChangeType;
  entityId: string;
  operation: ChangeOperationName;
  changedAt: Date;
}

/** Where a reader stands: after this entry, in (transactionId, position) order. */
export interface ChangePoint {
  transactionId: string;
  position: string;
  /** When the entry was written, to tell a cursor that retention has since outrun. */
  changedAt: Date;
}

export const startOfLog: ChangePoint = { transactionId: '0', position: '0', changedAt: new Date(0) };

export function encodeChangeCursor(point: ChangePoint): string {
  return Buffer.from(JSON.stringify({ t: point.transactionId, p: point.position, at: point.changedAt.getTime() })).toString('base64url');
}

export function decodeChangeCursor(cursor: string, argument = 'after'): ChangePoint {
  let payload: { t?: unknown; p?: unknown; at?: unknown } | null;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; p?: unknown; at?: unknown } | null;
  } catch {
    payload = null;
  }
  const digits = (value: unknown): value is string => typeof value === 'string' && /^\d{1,19}$/.test(value);
  if (!payload || !digits(payload.t) || !digits(payload.p) || typeof payload.at !== 'number' || !Number.isFinite(payload.at)) {
    throw badUserInput(`"${argument}" is not a change feed cursor. Pass a cursor the feed returned (endCursor, or changesCursor to start from now).`, {
      argument,
    });
  }
  return { transactionId: payload.t, position: payload.p, changedAt: new Date(payload.at) };
}

interface ChangeRow {
  position: string;
  transactionId: string;
  organizationId: string;
  type: string;
  entityId: string;
  operation: string;
  changedAt: Date;
}

const toChange = (row: ChangeRow): Change => ({ ...row, type: row.type as ChangeType, operation: row.operation as ChangeOperationName });

/**
 * Every transaction below the oldest one still in flight has ended, so no entry can appear below it
 * later: entries are final, and their (transactionId, position) order never changes under a reader.
 * A position alone would not do: positions are taken at write time and committed in another order.
 */
const settledBelow = Prisma.sql`(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`;

const columns = Prisma.sql`c."position"::text AS "position", c."transactionId"::text AS "transactionId", c."organizationId",
  c."type", c."entityId", c."operation"::text AS "operation", c."changedAt"`;

export interface ChangeQuery {
  /** Every organization when null (the webhook dispatcher). */
  organizationId: string | null;
  /** Only these types; all types when null. */
  types: readonly ChangeType[] | null;
  after: ChangePoint;
  limit: number;
}

function changeConditions(query: Omit<ChangeQuery, 'limit'>): Prisma.Sql {
  const conditions = [
    Prisma.sql`(c."transactionId", c."position") > (${query.after.transactionId}::bigint, ${query.after.position}::bigint)`,
    Prisma.sql`c."transactionId" < ${settledBelow}`,
  ];
  if (query.organizationId) conditions.push(Prisma.sql`c."organizationId" = ${query.organizationId}`);
  if (query.types) conditions.push(query.types.length ? Prisma.sql`c."type" IN (${Prisma.join(query.types)})` : Prisma.sql`FALSE`);
  return Prisma.join(conditions, ' AND ');
}

/** The statement `readChanges` sends: whoever asks whether there is anything to read asks the same. */
export function changesSql(query: ChangeQuery): Prisma.Sql {
  return Prisma.sql`
    SELECT ${columns} FROM "ChangeLog" c WHERE ${changeConditions(query)}
    ORDER BY c."transactionId", c."position" LIMIT ${query.limit}`;
}

/** Settled changes after a point, oldest first: one index range scan (of a clinic's index, or, for the webhook dispatcher reading every clinic's, of the log's own order). */
export async function readChanges(prisma: PrismaClient | Prisma.TransactionClient, query: ChangeQuery): Promise<Change[]> {
  const rows = await prisma.$queryRaw<ChangeRow[]>(changesSql(query));
  return rows.map(toChange);
}

export async function countChanges(prisma: PrismaClient, query: Omit<ChangeQuery, 'limit'>): Promise<number> {
  const [row] = await prisma.$queryRaw<{ count: bigint | number }[]>`SELECT count(*) AS count FROM "ChangeLog" c WHERE ${changeConditions(query)}`;
  return Number(row?.count ?? 0);
}

/** The newest settled change of an organization: a feed started here sees only what comes after. */
export async function latestChangePoint(prisma: PrismaClient, organizationId: string): Promise<ChangePoint> {
  const [row] = await prisma.$queryRaw<ChangeRow[]>`
    SELECT ${columns} FROM "ChangeLog" c WHERE c."organizationId" = ${organizationId} AND c."transactionId" < ${settledBelow}
    ORDER BY c."transactionId" DESC, c."position" DESC LIMIT 1`;
  if (row) return { transactionId: row.transactionId, position: row.position, changedAt: row.changedAt };
  // Nothing settled in this clinic (yet, or since a purge): every later change belongs to a
  // transaction at or above the oldest one in flight.
  const [now] = await prisma.$queryRaw<{ below: string; at: Date }[]>`
    SELECT (${settledBelow} - 1)::text AS below, now() AS at`;
  return { transactionId: now!.below, position: '0', changedAt: now!.at };
}

export async function purgedBefore(prisma: PrismaClient): Promise<Date> {
  const row = await prisma.changeLogRetention.findUnique({ where: { id: 1 } });
  return row?.purgedBefore ?? new Date(0);
}

export const defaultRetentionDays = 30;

/** CHANGE_RETENTION_DAYS: how long the change log (and finished webhook deliveries) are kept. */
export function retentionDaysFromEnv(value = process.env.CHANGE_RETENTION_DAYS): number {
  if (value === undefined || value === '') return defaultRetentionDays;
  const days = Number(value);
  if (!Number.isFinite(days) || days <= 0) throw new Error(`CHANGE_RETENTION_DAYS must be a positive number of days; got "${value}".`);
  return days;
}

/**
 * Deletes change-log entries, and webhook deliveries that are finished (delivered, failed, skipped),
 * older than `before`; cursors from before then are refused from now on, so an app that fell behind
 * learns it must read its lists again instead of silently missing changes.
 */
export async function purgeChanges(prisma: PrismaClient, before: Date): Promise<{ changes: number; deliveries: number; before: Date }> {
  return prisma.$transaction(async (tx) => {
    const changes = await tx.$executeRaw`DELETE FROM "ChangeLog" WHERE "changedAt" < ${before}`;
    const deliveries = await tx.$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE "createdAt" < ${before} AND "status" IN ('delivered', 'failed', 'skipped')`;
    await tx.$executeRaw`UPDATE "ChangeLogRetention" SET "purgedBefore" = GREATEST("purgedBefore", ${before}) WHERE "id" = 1`;
    return { changes, deliveries, before };
  });
}
