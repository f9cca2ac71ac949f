import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { rawQueryOf } from '../db/database.js';

/**
 * Records keys' and installations' last use off the request path: ids collect in memory and one
 * UPDATE per table writes them every interval, so a request never waits on a write.
 */
export class LastUsedRecorder {
  private pendingKeys = new Set<string>();
  private pendingInstallations = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly intervalMs = 5000,
  ) {}

  touch(keyId: string, installationId?: string): void {
    this.pendingKeys.add(keyId);
    if (installationId) this.pendingInstallations.add(installationId);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const keys = [...this.pendingKeys];
    const installations = [...this.pendingInstallations];
    this.pendingKeys.clear();
    this.pendingInstallations.clear();
    const now = new Date();
    const write = rawQueryOf(this.prisma);
    // Best effort: a missed last-used stamp must never fail or slow a request; the next use records it.
    // The installation's updatedAt stays as it is: it means "its grant or state changed".
    await Promise.all([
      keys.length ? write(Prisma.sql`UPDATE "ApiKey" SET "lastUsedAt" = ${now} WHERE "id" = ANY(${keys})`).catch(() => undefined) : null,
      installations.length
        ? write(Prisma.sql`UPDATE "InstallationRecord" SET "lastRequestAt" = ${now} WHERE "id" = ANY(${installations})`).catch(() => undefined)
        : null,
    ]);
  }
}
