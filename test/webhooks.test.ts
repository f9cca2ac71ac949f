import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { uninstallApp, updateGrant } from '../src/marketplace/service.js';
import type { WebhookConfig } from '../src/webhooks/config.js';
import { checkEndpointAddresses, parseEndpointUrl } from '../src/webhooks/endpoints.js';
import { startWebhookWorker, type WebhookWorker } from '../src/webhooks/worker.js';
import { startTestServer, type TestServer } from './support/app.js';
import { openTestDatabaseOnDisk } from './support/database.js';
import { eventually, Receiver } from './support/receiver.js';

/** Retries a second apart and a quick dispatcher, so retries and restarts take seconds. */
const config: WebhookConfig = {
  production: false,
  retryDelaySeconds: 1,
  retryDelayMaxSeconds: 1,
  retryLimit: 10,
  timeoutMs: 2000,
  pauseAfterFailures: 3,
  pauseAfterMs: 0,
  dispatchIntervalMs: 50,
  concurrency: 4,
};
const quiet = () => {};

let server: TestServer;
let worker: WebhookWorker;
let clinicA: string;
let clinicB: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  server = await startTestServer();
  [clinicA, clinicB] = server.clinics.map((clinic) => clinic.id) as [string, string];
  worker = await startWebhookWorker({ db: server.db, config, log: quiet });
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.stop();
});
afterAll(async () => {
  await worker?.stop();
  await server.close();
});

async function receiver(): Promise<Receiver> {
  const created = new Receiver();
  await created.start();
  receivers.push(created);
  return created;
}

const subscribeMutation = `mutation Subscribe($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { secret subscription { id url eventTypes status secretPrefix } }
}`;

async function subscribe(url: string, eventTypes: string[], caller: { key?: string; org?: string } = {}) {
  const response = await server.gql<{ createWebhookSubscription: { secret: string; subscription: { id: string } } }>(
    subscribeMutation,
    { input: { url, eventTypes } },
    caller,
  );
  expect(response.errors).toBeUndefined();
  return { id: response.data!.createWebhookSubscription.subscription.id, secret: response.data!.createWebhookSubscription.secret };
}

async function touchAppointment(db: Database, organizationId: string) {
  const appointment = await db.prisma.appointment.findFirstOrThrow({ where: { organizationId }, orderBy: { id: 'asc' } });
  await db.prisma.appointment.update({ where: { id: appointment.id }, data: { scheduledEndDate: new Date(appointment.scheduledEndDate.getTime() + 60_000) } });
  return appointment.id;
}

const arrived = (target: Receiver, entityId: string, count = 1) =>
  eventually(() => {
    const events = target.events().filter((event) => event.entityId === entityId);
    return events.length >= count ? events : undefined;
  }, 15_000, `an event about ${entityId}`);

describe('webhook delivery', () => {
  it('delivers a signed event with ids and types only, and logs the attempt', async () => {
    const endpoint = await receiver();
    const { id: subscriptionId, secret } = await subscribe(endpoint.url, ['APPOINTMENT']);
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    const appointmentId = await touchAppointment(server.db, clinicA);
    const [event] = await arrived(endpoint, appointmentId);

    const request = endpoint.received.find((r) => r.body.includes(appointmentId))!;
    const timestamp = request.headers['x-clinicgraph-timestamp'] as string;
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-clinicgraph-signature']).toBe(`v1=${expected}`);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
    expect(request.headers['x-clinicgraph-event-id']).toBe(event!.id);
    expect(event).toMatchObject({ type: 'APPOINTMENT', operation: 'UPDATE', entityId: appointmentId, organizationId: clinicA, subscriptionId });
    expect(Object.keys(event!).sort()).toEqual(['changedAt', 'cursor', 'entityId', 'id', 'operation', 'organizationId', 'position', 'subscriptionId', 'type']);

    // The event's cursor continues the feed right after this change.
    const feed = await server.gql('query($after: String) { changes(after: $after, types: [APPOINTMENT]) { nodes { entityId } } }', { after: event!.cursor });
    expect(feed.errors).toBeUndefined();

    const delivery = await eventually(async () => {
      const log = await server.gql(`query($id: ID!) { webhookSubscription(id: $id) { deliveries { id status attemptCount attempts { succeeded statusCode latencyMs error } } } }`, {
        id: subscriptionId,
      });
      const found = log.data!.webhookSubscription.deliveries.find((d: { id: string; status: string }) => d.id === event!.id && d.status !== 'PENDING');
      return found;
    }, 10_000, 'the delivery to settle');
    expect(delivery).toMatchObject({ status: 'DELIVERED', attemptCount: 1, attempts: [{ succeeded: true, statusCode: 200, error: null }] });
    expect(delivery.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('retries while the receiver is down, and delivers once it is back', async () => {
    const endpoint = await receiver();
    const { id: subscriptionId } = await subscribe(endpoint.url, ['APPOINTMENT']);
    await endpoint.stop();
    const appointmentId = await touchAppointment(server.db, clinicA);
    await eventually(
      async () => ((await server.db.prisma.webhookAttempt.count({ where: { delivery: { subscriptionId }, succeeded: false } })) > 0 ? true : undefined),
      10_000,
      'a failed attempt',
    );
    await endpoint.start();
    const [event] = await arrived(endpoint, appointmentId);
    const delivery = await eventually(async () => {
      const found = await server.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: event!.id }, include: { attempts: { orderBy: { attemptedAt: 'asc' } } } });
      return found.status === 'pending' ? undefined : found;
    }, 10_000, 'the delivery to settle');
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a) => a.succeeded)).toEqual([...delivery.attempts.slice(0, -1).map(() => false), true]);
    expect(delivery.attempts[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('pauses a subscription that keeps failing, with the reason, and sends the held events on resume', async () => {
    const endpoint = await receiver();
    endpoint.status = 500;
    const { id: subscriptionId } = await subscribe(endpoint.url, ['APPOINTMENT']);
    const appointmentId = await touchAppointment(server.db, clinicA);
    const paused = await eventually(async () => {
      const subscription = await server.db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
      return subscription.status === 'paused' ? subscription : undefined;
    }, 15_000, 'the subscription to pause');
    expect(paused.pausedReason).toMatch(/^Paused after 3 failed deliveries in a row since .*; the last: HTTP 500/);

    endpoint.status = 200;
    const resumed = await server.gql(`mutation($id: ID!) { resumeWebhookSubscription(id: $id) { status pausedReason } }`, { id: subscriptionId });
    expect(resumed.data!.resumeWebhookSubscription).toEqual({ status: 'ACTIVE', pausedReason: null });
    const events = await eventually(() => {
      const ok = endpoint.received.filter((r) => r.body.includes(appointmentId));
      return ok.length >= 4 ? ok : undefined;
    }, 10_000, 'the held event');
    expect(new Set(events.map((r) => r.headers['x-clinicgraph-event-id'])).size).toBe(1);
  });

  it('replays a delivered event with the same event id', async () => {
    const endpoint = await receiver();
    const { id: subscriptionId } = await subscribe(endpoint.url, ['APPOINTMENT']);
    const appointmentId = await touchAppointment(server.db, clinicA);
    const [event] = await arrived(endpoint, appointmentId);
    // Replay applies to settled deliveries: the receiver may answer before the delivery is marked.
    await eventually(async () => ((await server.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: event!.id } })).status === 'delivered' ? true : undefined));
    const replay = await server.gql(`mutation($input: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $input) { queued } }`, {
      input: { subscriptionId, deliveryIds: [event!.id] },
    });
    expect(replay.data!.replayWebhookDeliveries.queued).toBe(1);
    const again = await arrived(endpoint, appointmentId, 2);
    expect(again.map((e) => e.id)).toEqual([event!.id, event!.id]);
  });

  it('lets an app subscribe only to types it can read, and stops a type when its scope is withdrawn', async () => {
    const endpoint = await receiver();
    const key = await server.keyWith({ keyScopes: ['read:appointments'], declared: ['read:appointments', 'read:products'] });
    const refused = await server.gql(subscribeMutation, { input: { url: endpoint.url, eventTypes: ['PATIENT', 'APPOINTMENT'] } }, { key });
    expect(refused.errors?.[0]).toMatchObject({ message: 'Insufficient scope. Required: read:patients', extensions: { code: 'FORBIDDEN' } });

    await subscribe(endpoint.url, ['APPOINTMENT'], { key });
    const patient = await server.db.prisma.patient.create({ data: { id: newId('Patient'), organizationId: clinicA, firstName: 'No', lastName: 'Event' } });
    const appointmentId = await touchAppointment(server.db, clinicA);
    await arrived(endpoint, appointmentId);
    expect(endpoint.events().some((event) => event.entityId === patient.id || event.type === 'PATIENT')).toBe(false);

    const app = await server.db.prisma.app.findFirstOrThrow({ where: { keys: { some: { prefix: key.slice(0, 15) } } } });
    await updateGrant(server.db.prisma, { slug: app.slug, organizationId: clinicA, grant: ['read:products'] });
    const before = endpoint.received.length;
    const control = await receiver();
    await subscribe(control.url, ['APPOINTMENT']);
    const second = await touchAppointment(server.db, clinicA);
    await arrived(control, second);
    await worker.dispatchNow();
    expect(endpoint.received.length).toBe(before);
  });

  it('sends an app installed only in clinic A nothing of clinic B, and an uninstalled app nothing more', async () => {
    const endpoint = await receiver();
    const key = await server.keyWith({ keyScopes: ['read:appointments'], org: clinicA });
    const { id: subscriptionId } = await subscribe(endpoint.url, ['APPOINTMENT'], { key, org: clinicA });
    const inB = await touchAppointment(server.db, clinicB);
    const inA = await touchAppointment(server.db, clinicA);
    await arrived(endpoint, inA);
    expect(endpoint.events().map((event) => event.entityId)).not.toContain(inB);

    const app = await server.db.prisma.app.findFirstOrThrow({ where: { keys: { some: { prefix: key.slice(0, 15) } } } });
    await uninstallApp(server.db.prisma, { slug: app.slug, organizationId: clinicA });
    const uninstalledAt = new Date();
    const before = endpoint.received.length;
    const control = await receiver();
    await subscribe(control.url, ['APPOINTMENT']);
    const after = await touchAppointment(server.db, clinicA);
    await arrived(control, after);
    await worker.dispatchNow();
    expect(endpoint.received.length).toBe(before);
    expect(await server.db.prisma.webhookDelivery.count({ where: { subscriptionId, createdAt: { gte: uninstalledAt } } })).toBe(0);
  });
});

describe('webhook endpoints', () => {
  const production = { production: true };
  const development = { production: false };

  it('takes https, and plain http only for loopback in development', () => {
    expect(parseEndpointUrl('http://127.0.0.1:9000/hooks', development).host).toBe('127.0.0.1:9000');
    expect(parseEndpointUrl('http://localhost/hooks', development).hostname).toBe('localhost');
    expect(() => parseEndpointUrl('http://example.com/hooks', development)).toThrow(/https/);
    expect(() => parseEndpointUrl('http://127.0.0.1/hooks', production)).toThrow(/https/);
    expect(() => parseEndpointUrl('ftp://example.com/', development)).toThrow(/https/);
    expect(() => parseEndpointUrl('https://user:pw@example.com/', development)).toThrow(/credentials/);
    expect(() => parseEndpointUrl('not a url', development)).toThrow(/not a URL/);
  });

  it('refuses private, loopback and link-local addresses in production, also behind a name', async () => {
    for (const address of ['10.0.0.7', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:10.0.0.1]', '100.64.0.1', '0.0.0.0']) {
      expect(() => parseEndpointUrl(`https://${address}/hooks`, production), address).toThrow(/must be public/);
    }
    expect(parseEndpointUrl('https://93.184.215.14/hooks', production).hostname).toBe('93.184.215.14');
    await expect(checkEndpointAddresses(new URL('https://localhost/hooks'), production)).rejects.toThrow(/loopback address: webhook endpoints must be public/);
  });
});

describe('webhooks across a restart', () => {
  it('loses no event when the server stops between the write and the delivery', { timeout: 60_000 }, async () => {
    const disk = await openTestDatabaseOnDisk();
    let db = disk.db;
    const endpoint = await receiver();
    let running = await startWebhookWorker({ db, config, log: quiet });
    const organization = (await db.prisma.organization.findFirstOrThrow({ orderBy: { name: 'asc' } })).id;
    const installation = await db.prisma.installationRecord.findFirstOrThrow({ where: { organizationId: organization, app: { slug: 'clinicgraph-demo' } } });
    const { createSubscription } = await import('../src/webhooks/subscriptions.js');
    await createSubscription({ prisma: db.prisma, policy: { production: false } }, { id: installation.id, organizationId: organization, appId: installation.appId }, new Set(['read:appointments']), {
      url: endpoint.url,
      eventTypes: ['Appointment'],
    });
    await endpoint.stop();
    const first = await touchAppointment(db, organization);
    // A failed attempt, then the process goes away while the event waits for its retry.
    await eventually(async () => ((await db.prisma.webhookAttempt.count()) > 0 ? true : undefined), 10_000, 'a failed attempt');
    await running.stop();
    // Written while no worker runs.
    const appointments = await db.prisma.appointment.findMany({ where: { organizationId: organization }, orderBy: { id: 'desc' }, take: 1 });
    await db.prisma.appointment.update({ where: { id: appointments[0]!.id }, data: { scheduledEndDate: new Date(appointments[0]!.scheduledEndDate.getTime() + 60_000) } });
    const closeDisk = db.close;
    if (disk.dataDir) {
      // The embedded database closes and opens again from its directory, as a restarted server does.
      const { wrapPGlite } = await import('../src/db/database.js');
      const { newPGlite } = await import('../src/db/pglite.js');
      await db.pglite!.close();
      db = wrapPGlite(newPGlite(disk.dataDir), { kind: 'pglite', dataDir: disk.dataDir });
    } else {
      await db.prisma.$disconnect();
      db = await openDatabase(disk.db.target);
    }
    await endpoint.start();
    running = await startWebhookWorker({ db, config, log: quiet });
    try {
      await arrived(endpoint, first);
      await arrived(endpoint, appointments[0]!.id);
    } finally {
      await running.stop();
      await db.close();
      await closeDisk();
    }
  });
});
