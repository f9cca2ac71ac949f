import type { PrismaClient } from '../generated/prisma/client.js';
import { purgeChanges, retentionDaysFromEnv } from '../changes/log.js';
import { parseDuration } from '../marketplace/service.js';

const day = 86_400_000;

/** The CLI's change-log, webhook and simulator operations (src/marketplace/operations.ts runs them, in process or through the server). */
export const syncOperations = {
  'changes.purge': (prisma: PrismaClient, input: { olderThan?: string }) =>
    purgeChanges(prisma, new Date(Date.now() - (input.olderThan ? parseDuration(input.olderThan) : retentionDaysFromEnv() * day))),
} as const;
