import type { PrismaClient, WebhookDeliveryStatus } from '../generated/prisma/client.js';
import { changeTypes, isChangeType, scopeOfChangeType, type ChangeType } from '../changes/log.js';
import { newId, typeOfId } from '../ids.js';
import { canonicalScopes, insufficientScopeMessage, type Scope } from '../scopes.js';
import { checkEndpointAddresses, EndpointError, parseEndpointUrl, type EndpointPolicy } from './endpoints.js';
import { encryptSecret, generateSigningSecret, secretKeyFromEnv, visibleSecretPrefix } from './secrets.js';

/** A refusal the caller can act on; `code` picks the GraphQL error code or the CLI's message. */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'forbidden' | 'not_found' = 'invalid',
    readonly requiredScopes: Scope[] = [],
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** The installation a subscription belongs to: an app in one clinic. */
export interface Installation {
  id: string;
  organizationId: string;
  appId: string;
}

export const maxSubscriptionsPerInstallation = 10;

/** The scopes webhooks of an installation may use now: what the clinic grants and the app declares (no key is involved in a delivery). */
export function installationScopes(installation: { grantedScopes: string[] }, app: { declaredScopes: string[] }): Set<Scope> {
  const declared = new Set(canonicalScopes(app.declaredScopes));
  return new Set(canonicalScopes(installation.grantedScopes).filter((scope) => declared.has(scope)));
}

function parseEventTypes(types: readonly string[], readable: ReadonlySet<Scope>): ChangeType[] {
  const unique = [...new Set(types)];
  if (unique.length === 0) throw new WebhookError(`Subscribe to at least one event type, from: ${changeTypes.join(', ')}.`);
  const unknown = unique.filter((type) => !isChangeType(type));
  if (unknown.length > 0) throw new WebhookError(`Unknown event types: ${unknown.join(', ')}. Valid: ${changeTypes.join(', ')}.`);
  const missing = [...new Set((unique as ChangeType[]).map(scopeOfChangeType).filter((scope) => !readable.has(scope)))];
  if (missing.length > 0) throw new WebhookError(insufficientScopeMessage(missing), 'forbidden', missing);
  return unique as ChangeType[];
}

async function parseUrl(raw: string, policy: EndpointPolicy): Promise<string> {
  try {
    const url = parseEndpointUrl(raw.trim(), policy);
    // In production the name must resolve, to public addresses only, now; every delivery checks again.
    if (policy.production) await checkEndpointAddresses(url, policy);
    return url.toString();
  } catch (error) {
    if (error instanceof EndpointError) throw new WebhookError(error.message);
    throw error;
  }
}

const description = (text: string | null | undefined) => {
  const trimmed = text?.trim();
  if (trimmed && trimmed.length > 200) throw new WebhookError(`The description takes at most 200 characters; got ${trimmed.length}.`);
  return trimmed || null;
};

export interface SubscriptionInput {
  url: string;
  eventTypes: readonly string[];
  description?: string | null;
}

/** What may be shown of a subscription: everything but the encrypted secret. */
export const subscriptionColumns = {
  id: true,
  installationId: true,
  organizationId: true,
  appId: true,
  url: true,
  eventTypes: true,
  description: true,
  secretPrefix: true,
  status: true,
  pausedReason: true,
  pausedAt: true,
  consecutiveFailures: true,
  failingSince: true,
  lastSuccessAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface WebhookContext {
  prisma: PrismaClient;
  policy: EndpointPolicy;
}

/** A new subscription and its signing secret, which is shown this once. */
export async function createSubscription(context: WebhookContext, installation: Installation, readable: ReadonlySet<Scope>, input: SubscriptionInput) {
  const eventTypes = parseEventTypes(input.eventTypes, readable);
  const url = await parseUrl(input.url, context.policy);
  const existing = await context.prisma.webhookSubscription.count({ where: { installationId: installation.id } });
  if (existing >= maxSubscriptionsPerInstallation) {
    throw new WebhookError(`An installation has at most ${maxSubscriptionsPerInstallation} webhook subscriptions; delete one first.`);
  }
  const secret = generateSigningSecret();
  const subscription = await context.prisma.webhookSubscription.create({
    data: {
      id: newId('WebhookSubscription'),
      installationId: installation.id,
      organizationId: installation.organizationId,
      appId: installation.appId,
      url,
      eventTypes,
      description: description(input.description),
      secretCiphertext: encryptSecret(secret, secretKeyFromEnv()),
      secretPrefix: visibleSecretPrefix(secret),
    },
    select: subscriptionColumns,
  });
  return { subscription, secret };
}

/** A subscription of this installation (any installation when null: the operator's CLI). */
export async function findSubscription(prisma: PrismaClient, installationId: string | null, id: string) {
  const notFound = new WebhookError(`No webhook subscription ${id.slice(0, 64)}${installationId ? ' in this installation' : ''}.`, 'not_found');
  if (typeOfId(id) !== 'WebhookSubscription') throw new WebhookError(`"${id.slice(0, 64)}" is not a webhook subscription id (whk_…).`);
  const subscription = await prisma.webhookSubscription.findUnique({ where: { id }, select: subscriptionColumns });
  if (!subscription || (installationId && subscription.installationId !== installationId)) throw notFound;
  return subscription;
}

export async function updateSubscription(
  context: WebhookContext,
  installationId: string | null,
  readable: ReadonlySet<Scope>,
  input: { id: string } & Partial<SubscriptionInput>,
) {
  await findSubscription(context.prisma, installationId, input.id);
  return context.prisma.webhookSubscription.update({
    where: { id: input.id },
    data: {
      ...(input.url != null && { url: await parseUrl(input.url, context.policy) }),
      ...(input.eventTypes != null && { eventTypes: parseEventTypes(input.eventTypes, readable) }),
      ...(input.description !== undefined && { description: description(input.description) }),
    },
    select: subscriptionColumns,
  });
}

export async function deleteSubscription(prisma: PrismaClient, installationId: string | null, id: string) {
  await findSubscription(prisma, installationId, id);
  await prisma.webhookSubscription.delete({ where: { id } });
  return { deletedId: id };
}

export async function pauseSubscription(prisma: PrismaClient, installationId: string | null, id: string, reason: string) {
  await findSubscription(prisma, installationId, id);
  return prisma.webhookSubscription.update({
    where: { id },
    data: { status: 'paused', pausedReason: reason, pausedAt: new Date() },
    select: subscriptionColumns,
  });
}

/** Active again, its failure count cleared, and the deliveries held while it was paused queued again. */
export async function resumeSubscription(prisma: PrismaClient, installationId: string | null, id: string) {
  await findSubscription(prisma, installationId, id);
  return prisma.$transaction(async (tx) => {
    await tx.webhookDelivery.updateMany({ where: { subscriptionId: id, status: 'held' }, data: { status: 'queued', statusReason: 'Queued again: the subscription was resumed.' } });
    return tx.webhookSubscription.update({
      where: { id },
      data: { status: 'active', pausedReason: null, pausedAt: null, consecutiveFailures: 0, failingSince: null },
      select: subscriptionColumns,
    });
  });
}

export interface ReplayInput {
  subscriptionId: string;
  /** Only these deliveries (event ids); with `since`, deliveries created since then; at least one of the two. */
  deliveryIds?: readonly string[] | null;
  since?: Date | null;
}

/** Queues deliveries again, whatever their state (delivered ones too): the dispatcher hands them to the queue. Returns how many. */
export async function replayDeliveries(prisma: PrismaClient, installationId: string | null, input: ReplayInput) {
  const subscription = await findSubscription(prisma, installationId, input.subscriptionId);
  if (!input.deliveryIds?.length && !input.since) throw new WebhookError('Say what to replay: deliveryIds (event ids, evt_…), since (a time), or both.');
  const ids = input.deliveryIds ?? [];
  const malformed = ids.filter((id) => typeOfId(id) !== 'WebhookDelivery');
  if (malformed.length > 0) throw new WebhookError(`Not delivery ids (evt_…): ${malformed.slice(0, 5).join(', ')}.`);
  if (ids.length > 100) throw new WebhookError(`Replay at most 100 deliveries by id at once; got ${ids.length}. Use since for more.`);
  const replayable: WebhookDeliveryStatus[] = ['delivered', 'failed', 'skipped', 'held'];
  const { count } = await prisma.webhookDelivery.updateMany({
    where: {
      subscriptionId: subscription.id,
      status: { in: replayable },
      ...(ids.length > 0 && { id: { in: [...ids] } }),
      ...(input.since && { createdAt: { gte: input.since } }),
    },
    data: { status: 'queued', statusReason: `Replay requested at ${new Date().toISOString()}.` },
  });
  return { queued: count };
}

export function listSubscriptions(prisma: PrismaClient, where: { installationId?: string; organizationId?: string; appId?: string }) {
  return prisma.webhookSubscription.findMany({ where, select: subscriptionColumns, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export function listDeliveries(prisma: PrismaClient, subscriptionId: string, options: { status?: WebhookDeliveryStatus | null; limit: number }) {
  return prisma.webhookDelivery.findMany({
    where: { subscriptionId, ...(options.status && { status: options.status }) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: options.limit,
    include: { attempts: { orderBy: { attemptedAt: 'asc' } } },
  });
}
