import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { changesSql, readChanges, type Change } from '../changes/log.js';
import { rawQueryOf } from '../db/database.js';
import { newId } from '../ids.js';
import { scopeOfType } from '../scopes.js';
import { installationScopes } from './subscriptions.js';

/** Puts deliveries into the job queue inside the dispatcher's transaction (pg-boss, src/webhooks/worker.ts). */
export type EnqueueDeliveries = (tx: Prisma.TransactionClient, deliveryIds: readonly string[]) => Promise<void>;

interface ActiveSubscription {
  id: string;
  organizationId: string;
  eventTypes: string[];
  createdAt: Date;
  grantedScopes: string[];
  declaredScopes: string[];
}

export interface DispatchResult {
  /** False when another dispatcher held the log (several worker processes on PostgreSQL). */
  ran: boolean;
  changes: number;
  created: number;
  requeued: number;
}

const idle: DispatchResult = { ran: false, changes: 0, created: 0, requeued: 0 };

/** Which subscriptions of the batch's clinics take which change: type subscribed, scope still held, subscribed before it happened. */
function matches(changes: readonly Change[], subscriptions: readonly ActiveSubscription[]) {
  const byOrganization = new Map<string, { subscription: ActiveSubscription; scopes: ReadonlySet<string> }[]>();
  for (const subscription of subscriptions) {
    const list = byOrganization.get(subscription.organizationId) ?? [];
    list.push({ subscription, scopes: installationScopes({ grantedScopes: subscription.grantedScopes }, { declaredScopes: subscription.declaredScopes }) });
    byOrganization.set(subscription.organizationId, list);
  }
  return changes.flatMap((change) =>
    (byOrganization.get(change.organizationId) ?? [])
      .filter(({ subscription, scopes }) =>
        subscription.eventTypes.includes(change.type) && scopes.has(scopeOfType[change.type]) && subscription.createdAt <= change.changedAt,
      )
      .map(({ subscription }) => ({
        id: newId('WebhookDelivery'),
        subscriptionId: subscription.id,
        organizationId: change.organizationId,
        changePosition: BigInt(change.position),
        type: change.type,
        entityId: change.entityId,
        operation: change.operation,
        changedAt: change.changedAt,
      })),
  );
}

/**
 * One step of the dispatcher, in one transaction: settled changes after its mark become deliveries
 * for the subscriptions that take them, deliveries queued again (replay, resume) join them, all go
 * into the job queue, and the mark moves. A crash anywhere leaves all of it undone, so a restart
 * loses no event and queues none twice.
 */
export async function dispatchOnce(prisma: PrismaClient, enqueue: EnqueueDeliveries, batch = 500): Promise<DispatchResult> {
  return prisma.$transaction(
    async (tx) => {
      const [mark] = await tx.$queryRaw<{ transactionId: string; position: string }[]>`
        SELECT "transactionId"::text AS "transactionId", "position"::text AS "position" FROM "WebhookDispatchState" WHERE "id" = 1 FOR UPDATE SKIP LOCKED`;
      if (!mark) return idle;
      const changes = await readChanges(tx, { organizationId: null, types: null, after: { ...mark, changedAt: new Date(0) }, limit: batch });
      const created: string[] = [];
      if (changes.length > 0) {
        const organizations = [...new Set(changes.map((change) => change.organizationId))];
        const subscriptions = await tx.$queryRaw<ActiveSubscription[]>`
          SELECT s."id", s."organizationId", s."eventTypes", s."createdAt", i."grantedScopes", a."declaredScopes"
          FROM "WebhookSubscription" s
          JOIN "InstallationRecord" i ON i."id" = s."installationId" AND i."uninstalledAt" IS NULL
          JOIN "App" a ON a."id" = s."appId"
          WHERE s."status" = 'active' AND s."organizationId" IN (${Prisma.join(organizations)})`;
        const deliveries = matches(changes, subscriptions);
        if (deliveries.length > 0) {
          await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
          created.push(...deliveries.map((delivery) => delivery.id));
        }
        const last = changes[changes.length - 1]!;
        await tx.$executeRaw`UPDATE "WebhookDispatchState" SET "transactionId" = ${last.transactionId}::bigint, "position" = ${last.position}::bigint, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE "id" = 1`;
      }
      const queued = await tx.webhookDelivery.findMany({ where: { status: 'queued' }, select: { id: true }, take: batch, orderBy: { createdAt: 'asc' } });
      const requeued = queued.map((delivery) => delivery.id);
      if (requeued.length > 0) await tx.webhookDelivery.updateMany({ where: { id: { in: requeued } }, data: { status: 'pending' } });
      const jobs = [...created, ...requeued];
      if (jobs.length > 0) await enqueue(tx, jobs);
      return { ran: true, changes: changes.length, created: created.length, requeued: requeued.length };
    },
    { timeout: 30_000 },
  );
}

/**
 * With no active subscription anywhere, nothing in the log can become a delivery: the mark jumps to
 * the settled end in one statement instead of reading a backlog (a bulk import, a first start).
 */
export async function skipWhenNoSubscriptions(prisma: PrismaClient): Promise<boolean> {
  const moved = await rawQueryOf(prisma)(Prisma.sql`
    UPDATE "WebhookDispatchState" SET "transactionId" = pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1,
      "position" = 9223372036854775807, "updatedAt" = now() AT TIME ZONE 'UTC'
    WHERE "id" = 1
      AND NOT EXISTS (SELECT 1 FROM "WebhookSubscription" WHERE "status" = 'active')
      AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" WHERE "status" = 'queued')
      AND "transactionId" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1
    RETURNING 1`);
  return moved.length > 0;
}

/**
 * Whether `dispatchOnce` has anything to do: a settled change after the mark (its own read, for one
 * row), or a delivery queued again. Asked through the driver every interval, so an idle server never
 * runs the dispatcher's Prisma transaction (and never loads Prisma's query compiler for it).
 */
export async function dispatchDue(prisma: PrismaClient): Promise<boolean> {
  const query = rawQueryOf(prisma);
  const [mark] = await query<{ transactionId: string; position: string }>(
    Prisma.sql`SELECT "transactionId"::text AS "transactionId", "position"::text AS "position" FROM "WebhookDispatchState" WHERE "id" = 1`,
  );
  if (!mark) return false;
  const [queued] = await query<{ id: string }>(Prisma.sql`SELECT "id" FROM "WebhookDelivery" WHERE "status" = 'queued' LIMIT 1`);
  if (queued) return true;
  const changes = await query(changesSql({ organizationId: null, types: null, after: { ...mark, changedAt: new Date(0) }, limit: 1 }));
  return changes.length > 0;
}
