import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * Records keys' last use off the request path: ids collect in memory and one UPDATE writes them
 * every interval, so a request never waits on a write.
 */
export class LastUsedRecorder {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly intervalMs = 5000,
  ) {}

  touch(keyId: string): void {
    this.pending.add(keyId);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    await this.prisma.apiKey.updateMany({ where: { id: { in: ids } }, data: { lastUsedAt: new Date() } }).catch(() => {
      // Best effort: a missed last-used stamp must never fail or slow a request; the next use records it.
    });
  }
}
