import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { MarketplaceError } from '../marketplace/service.js';

/**
 * HIPAA keeps the documentation of its required policies and activities six years (45 CFR
 * 164.316(b)(2)(i)); an access log is read as part of it. Six years is the default and the floor: a
 * clinic under a longer state rule raises it (PHI_AUDIT_RETENTION=10y); going below takes an explicit
 * flag, so no configuration typo deletes records a clinic must still produce.
 */
export const minimumRetention = { years: 6 } as const;
export const retentionVariable = 'PHI_AUDIT_RETENTION';

export interface Retention {
  years?: number;
  days?: number;
}

/** `6y`, `10y` or `2200d`. */
export function parseRetention(text: string): Retention {
  const match = /^(\d{1,4})([yd])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw new MarketplaceError(`A retention looks like 6y (years) or 2200d (days), more than zero; got "${text}".`);
  }
  return match[2] === 'y' ? { years: Number(match[1]) } : { days: Number(match[1]) };
}

export function retentionFromEnvironment(env: NodeJS.ProcessEnv = process.env): Retention {
  const configured = env[retentionVariable]?.trim();
  return configured ? parseRetention(configured) : minimumRetention;
}

/** The instant before which records fall outside `retention`, counted back from `now` in calendar years (leap days included). */
export function cutoffOf(retention: Retention, now: Date): Date {
  const cutoff = new Date(now);
  if (retention.years) cutoff.setUTCFullYear(cutoff.getUTCFullYear() - retention.years);
  if (retention.days) cutoff.setTime(cutoff.getTime() - retention.days * 86_400_000);
  return cutoff;
}

export interface PurgeOptions {
  /** Defaults to PHI_AUDIT_RETENTION, else six years. */
  retention?: string;
  /** Deletes nothing; says how many records would go. */
  dryRun?: boolean;
  /** Allows a retention shorter than six years. */
  belowMinimum?: boolean;
  batchSize?: number;
  now?: Date;
}

const defaultBatch = 10_000;

/**
 * Deletes the PHI access records older than the retention, oldest first, in batches of `batchSize`
 * rows (one short transaction each, found through the BRIN index on createdAt), so a purge of years
 * of records never holds a long lock or a long transaction against the inserts of live requests.
 */
export async function purgePhiAccess(prisma: PrismaClient, options: PurgeOptions = {}) {
  const retention = options.retention ? parseRetention(options.retention) : retentionFromEnvironment();
  const now = options.now ?? new Date();
  const cutoff = cutoffOf(retention, now);
  if (cutoff > cutoffOf(minimumRetention, now) && !options.belowMinimum) {
    throw new MarketplaceError(
      `A retention of ${describe(retention)} is shorter than the six years HIPAA expects access records to be kept; pass --below-hipaa-minimum to purge anyway.`,
    );
  }
  const batchSize = options.batchSize ?? defaultBatch;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new MarketplaceError(`--batch must be a whole number from 1 to 100000; got ${batchSize}.`);
  }
  const summary = { retention: describe(retention), cutoff, dryRun: Boolean(options.dryRun), deleted: 0, batches: 0 };
  if (options.dryRun) {
    const [row] = await prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM "PhiAccess" WHERE "createdAt" < ${cutoff}`;
    return { ...summary, deleted: Number(row?.count ?? 0) };
  }
  for (;;) {
    const deleted = await prisma.$executeRaw(
      Prisma.sql`DELETE FROM "PhiAccess" WHERE "id" IN (SELECT "id" FROM "PhiAccess" WHERE "createdAt" < ${cutoff} LIMIT ${batchSize})`,
    );
    summary.batches++;
    summary.deleted += deleted;
    if (deleted < batchSize) return summary;
  }
}

function describe(retention: Retention): string {
  return [retention.years && `${retention.years} years`, retention.days && `${retention.days} days`].filter(Boolean).join(' and ');
}
