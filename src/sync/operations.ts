import type { PrismaClient } from '../generated/prisma/client.js';
import { changeTypes, purgeChanges, retentionDaysFromEnv } from '../changes/log.js';
import type { SimulateBatchInput } from '../demo/simulate.js';
import { MarketplaceError, parseDuration } from '../marketplace/service.js';
import {
  createSubscription,
  deleteSubscription,
  installationScopes,
  listDeliveries,
  listSubscriptions,
  pauseSubscription,
  replayDeliveries,
  resumeSubscription,
  WebhookError,
} from '../webhooks/subscriptions.js';

const day = 86_400_000;
const policy = () => ({ production: process.env.NODE_ENV === 'production' });
const screaming = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
/** Event types as the API spells them (APPOINTMENT) or as type names (Appointment). */
const typeNamed = (name: string) => changeTypes.find((type) => type === name || screaming(type) === name.toUpperCase()) ?? name;

/** Webhook refusals reach the CLI as the marketplace's, which it prints as they are. */
async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WebhookError) throw new MarketplaceError(error.message, error.code === 'not_found' ? 'not_found' : 'invalid');
    throw error;
  }
}

async function installationOf(prisma: PrismaClient, slug: string, organizationId: string) {
  const installation = await prisma.installationRecord.findFirst({ where: { app: { slug }, organizationId, uninstalledAt: null }, include: { app: true } });
  if (!installation) throw new MarketplaceError(`App "${slug}" is not installed in ${organizationId}. See: apps list.`, 'not_found');
  return installation;
}

/** The CLI's change-log and webhook operations (src/marketplace/operations.ts runs them, in process or through the server). */
export const syncOperations = {
  'changes.purge': (prisma: PrismaClient, input: { olderThan?: string }) =>
    purgeChanges(prisma, new Date(Date.now() - (input.olderThan ? parseDuration(input.olderThan) : retentionDaysFromEnv() * day))),
  'webhooks.list': (prisma: PrismaClient, input: { organizationId?: string }) =>
    listSubscriptions(prisma, input.organizationId ? { organizationId: input.organizationId } : {}),
  'webhooks.create': (prisma: PrismaClient, input: { slug: string; organizationId: string; url: string; types: string[] }) =>
    asCli(async () => {
      const installation = await installationOf(prisma, input.slug, input.organizationId);
      return createSubscription(
        { prisma, policy: policy() },
        { id: installation.id, organizationId: installation.organizationId, appId: installation.appId },
        installationScopes(installation, installation.app),
        { url: input.url, eventTypes: input.types.map(typeNamed) },
      );
    }),
  'webhooks.delete': (prisma: PrismaClient, input: { id: string }) => asCli(() => deleteSubscription(prisma, null, input.id)),
  'webhooks.pause': (prisma: PrismaClient, input: { id: string }) => asCli(() => pauseSubscription(prisma, null, input.id, 'Paused by an operator.')),
  'webhooks.resume': (prisma: PrismaClient, input: { id: string }) => asCli(() => resumeSubscription(prisma, null, input.id)),
  'webhooks.replay': (prisma: PrismaClient, input: { id: string; deliveryIds?: string[]; since?: string }) =>
    asCli(() =>
      replayDeliveries(prisma, null, {
        subscriptionId: input.id,
        deliveryIds: input.deliveryIds,
        since: input.since ? new Date(/^\d+[mhdw]$/.test(input.since) ? Date.now() - parseDuration(input.since) : Date.parse(input.since)) : null,
      }),
    ),
  'webhooks.deliveries': (prisma: PrismaClient, input: { id: string; limit?: number }) =>
    asCli(() => listDeliveries(prisma, input.id, { limit: Math.min(input.limit ?? 20, 100) })),
  // The generator (and faker's locale data) loads when a simulation asks for it, not with every server.
  'simulate.batch': async (prisma: PrismaClient, input: SimulateBatchInput) => (await import('../demo/simulate.js')).simulateBatch(prisma, input),
} as const;
