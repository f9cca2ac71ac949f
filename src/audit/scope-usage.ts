import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Scope } from '../scopes.js';
import { rawQueryOf } from '../db/database.js';

/**
 * Counts, per installation, scope and UTC day, the requests whose returned data a scope guarded.
 * Counts collect in memory and one upsert writes them every interval and on close, so a request never
 * waits on this write; a failed write keeps its counts for the next one.
 */
export class ScopeUsageRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly intervalMs = 5000,
  ) {}

  record(installationId: string, scopes: Iterable<Scope>, at = new Date()): void {
    const day = at.toISOString().slice(0, 10);
    let any = false;
    for (const scope of scopes) {
      const key = `${installationId}\u0000${scope}\u0000${day}`;
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
      any = true;
    }
    if (any) this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  /** Writes what is pending; resolves once everything recorded before the call is stored (or kept for a retry). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([key, requests]) => {
      const [installationId, scope, day] = key.split('\u0000') as [string, string, string];
      return Prisma.sql`(${installationId}, ${scope}, ${day}::date, ${requests}::int)`;
    });
    try {
      await rawQueryOf(this.prisma)(Prisma.sql`
        INSERT INTO "ScopeUsage" ("installationId", "scope", "day", "requests") VALUES ${Prisma.join(rows)}
        ON CONFLICT ("installationId", "scope", "day") DO UPDATE SET "requests" = "ScopeUsage"."requests" + EXCLUDED."requests"`);
    } catch (error) {
      for (const [key, requests] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + requests);
      this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
      console.error(`Scope usage: write failed, ${batch.size} counts kept for the next attempt:`, (error as Error).message);
    }
  }
}
