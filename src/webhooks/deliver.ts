import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PrismaClient } from '../generated/prisma/client.js';
import { encodeChangeCursor } from '../changes/log.js';
import { newId } from '../ids.js';
import { scopeOfType, type GuardedTypeName } from '../scopes.js';
import type { WebhookConfig } from './config.js';
import { checkedLookup, EndpointError, parseEndpointUrl } from './endpoints.js';
import { decryptSecret, sign } from './secrets.js';
import { installationScopes } from './subscriptions.js';

export const signatureHeader = 'X-Clinicgraph-Signature';
export const timestampHeader = 'X-Clinicgraph-Timestamp';
export const eventIdHeader = 'X-Clinicgraph-Event-Id';

/** A change event as a receiver gets it: ids and types, never patient data (the app reads through the API, which records the read). */
export interface WebhookEvent {
  id: string;
  subscriptionId: string;
  organizationId: string;
  /** The ChangeType enum value (PATIENT, APPOINTMENT, …), as `changes(types:)` takes it. */
  type: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  entityId: string;
  changedAt: string;
  position: string;
  /** A change-feed cursor at this change: `changes(after:)` continues from here. */
  cursor: string;
}

const screaming = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** One POST, no redirects followed, response body discarded; never throws. */
function post(url: URL, body: string, headers: Record<string, string>, config: WebhookConfig): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Omit<AttemptResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: elapsed() });
    };
    try {
      // Checks the URL's own host (an address literal never goes through lookup).
      parseEndpointUrl(url.toString(), config);
    } catch (error) {
      done({ statusCode: null, error: (error as Error).message });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: checkedLookup(url, config), timeout: config.timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done({ statusCode: status, error: status >= 200 && status < 300 ? null : `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      done({ statusCode: null, error: error instanceof EndpointError || error.code === 'EREFUSED' ? error.message : `${error.code ?? 'error'}: ${error.message}` }),
    );
    req.end(body);
  });
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'held' | 'skipped' | 'ignored';

export interface DeliveryJob {
  deliveryId: string;
  /** Retries already made by the queue, and how many it will make at most. */
  retryCount: number;
  retryLimit: number;
}

export interface DeliveryContext {
  prisma: PrismaClient;
  config: WebhookConfig;
  secretKey: Buffer;
}

/**
 * Delivers one event: checks at delivery time that the app is still installed and still holds the
 * type's scope, signs and posts it, and records the attempt. 'retry' asks the queue to try again
 * later (pg-boss's backoff); a subscription failing for long enough is paused instead.
 */
export async function deliver({ prisma, config, secretKey }: DeliveryContext, job: DeliveryJob): Promise<DeliveryOutcome> {
  const delivery = await prisma.webhookDelivery.findUnique({ where: { id: job.deliveryId }, include: { subscription: true } });
  // Gone with its subscription, or already settled (the queue delivers at least once, so a job may repeat).
  if (!delivery || delivery.status !== 'pending') return 'ignored';
  const { subscription } = delivery;
  const settle = (status: 'skipped' | 'held' | 'failed' | 'delivered', statusReason: string | null) =>
    prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status, statusReason, ...(status === 'delivered' && { deliveredAt: new Date() }) } });

  const installation = await prisma.installationRecord.findUnique({ where: { id: subscription.installationId }, include: { app: true } });
  if (!installation || installation.uninstalledAt) {
    const reason = `The app was uninstalled from this clinic${installation?.uninstalledAt ? ` on ${installation.uninstalledAt.toISOString()}` : ''}; nothing is delivered until it is installed again and the subscription resumed.`;
    await prisma.webhookSubscription.update({ where: { id: subscription.id }, data: { status: 'paused', pausedReason: reason, pausedAt: new Date() } });
    await settle('skipped', reason);
    return 'skipped';
  }
  const scope = scopeOfType[delivery.type as GuardedTypeName];
  if (!scope || !installationScopes(installation, installation.app).has(scope)) {
    await settle('skipped', `The installation no longer holds ${scope ?? 'the scope of this type'}, so this event was not sent.`);
    return 'skipped';
  }
  if (subscription.status === 'paused') {
    await settle('held', `Held while the subscription is paused: ${subscription.pausedReason ?? 'paused'}`);
    return 'held';
  }

  const event: WebhookEvent = {
    id: delivery.id,
    subscriptionId: subscription.id,
    organizationId: delivery.organizationId,
    type: screaming(delivery.type),
    operation: delivery.operation.toUpperCase() as WebhookEvent['operation'],
    entityId: delivery.entityId,
    changedAt: delivery.changedAt.toISOString(),
    position: delivery.changePosition.toString(),
    cursor: '',
  };
  const [change] = await prisma.$queryRaw<{ transactionId: string }[]>`
    SELECT "transactionId"::text AS "transactionId" FROM "ChangeLog" WHERE "position" = ${delivery.changePosition}`;
  if (change) event.cursor = encodeChangeCursor({ transactionId: change.transactionId, position: event.position, changedAt: delivery.changedAt });
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  let result: AttemptResult;
  try {
    const secret = decryptSecret(subscription.secretCiphertext, secretKey);
    result = await post(new URL(subscription.url), body, {
      'content-type': 'application/json',
      'user-agent': 'clinicgraph-webhooks/1',
      [eventIdHeader]: delivery.id,
      [timestampHeader]: String(timestamp),
      [signatureHeader]: `v1=${sign(secret, timestamp, body)}`,
    }, config);
  } catch (error) {
    result = { statusCode: null, latencyMs: 0, error: (error as Error).message };
  }

  const succeeded = result.error === null;
  const attempt = prisma.webhookAttempt.create({
    data: { id: newId('WebhookAttempt'), deliveryId: delivery.id, statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error, succeeded },
  });
  // The attempt and what it settles commit together: one commit per delivery, not four.
  if (succeeded) {
    await prisma.$transaction([
      attempt,
      prisma.webhookDelivery.update({
        where: { id: delivery.id },
        data: { attemptCount: { increment: 1 }, status: 'delivered', statusReason: null, deliveredAt: new Date() },
      }),
      prisma.webhookSubscription.update({ where: { id: subscription.id }, data: { consecutiveFailures: 0, failingSince: null, lastSuccessAt: new Date() } }),
    ]);
    return 'delivered';
  }
  await prisma.$transaction([attempt, prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attemptCount: { increment: 1 } } })]);

  const failing = await prisma.webhookSubscription.update({
    where: { id: subscription.id },
    data: { consecutiveFailures: { increment: 1 }, failingSince: subscription.failingSince ?? new Date() },
  });
  const failingFor = Date.now() - (failing.failingSince ?? new Date()).getTime();
  if (failing.consecutiveFailures >= config.pauseAfterFailures && failingFor >= config.pauseAfterMs) {
    const reason = `Paused after ${failing.consecutiveFailures} failed deliveries in a row since ${failing.failingSince!.toISOString()}; the last: ${result.error}. Fix the endpoint, then resume the subscription (held events are sent then).`;
    await prisma.webhookSubscription.update({ where: { id: subscription.id }, data: { status: 'paused', pausedReason: reason, pausedAt: new Date() } });
    await settle('held', reason);
    return 'held';
  }
  if (job.retryCount >= job.retryLimit) {
    await settle('failed', `Gave up after ${job.retryCount + 1} attempts; the last: ${result.error}. Replay it once the endpoint works.`);
    return 'failed';
  }
  return 'retry';
}
