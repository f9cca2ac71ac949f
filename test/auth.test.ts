import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { createKey, revokeKey, uninstallApp, updateGrant } from '../src/marketplace/service.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const meQuery = '{ me { app { slug } organization { id } scopes } }';

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without a key, and says how to send one', async () => {
    const response = await server.gql(meQuery, {}, { key: null });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toContain('Authorization: Bearer');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(response.data).toBeUndefined();
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const response = await server.gql(meQuery, {}, { key: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 for an unknown key, whether or not it looks like one', async () => {
    for (const key of ['cgk_live_0000000000000000000000000000000000000000', 'not-a-key']) {
      const response = await server.gql(meQuery, {}, { key });
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.message).toBe('Invalid API key.');
    }
  });

  it('answers 401 for a revoked key, from the next request on', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:marketplace'] });
    expect((await server.gql(meQuery, {}, { key: secret })).status).toBe(200);
    const key = await server.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: secret.slice(0, 15) }, orderBy: { createdAt: 'desc' } });
    await revokeKey(server.db.prisma, key.id);
    const response = await server.gql(meQuery, {}, { key: secret });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.message).toContain('revoked');
  });

  it('answers 401 for an expired key', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:marketplace'] });
    await server.db.prisma.apiKey.updateMany({
      where: { prefix: secret.slice(0, 15), revokedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const response = await server.gql(meQuery, {}, { key: secret });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.message).toContain('expired');
  });

  it('answers 400 without X-Organization-Id', async () => {
    const response = await server.gql(meQuery, {}, { org: null });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('X-Organization-Id');
  });

  it('answers 403 alike for a clinic that did not install the app and for one that does not exist', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:marketplace'] });
    const installedElsewhere = await server.gql(meQuery, {}, { key: secret, org: server.clinics[1]!.id });
    const nonexistent = await server.gql(meQuery, {}, { key: secret, org: 'org_00000000000000000000' });
    const garbage = await server.gql(meQuery, {}, { key: secret, org: 'DROP TABLE' });
    for (const response of [installedElsewhere, nonexistent, garbage]) {
      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(response.data).toBeUndefined();
    }
    const shape = (r: typeof nonexistent, org: string) => r.errors?.[0]?.message.replace(org, '<org>');
    expect(shape(installedElsewhere, server.clinics[1]!.id)).toBe(shape(nonexistent, 'org_00000000000000000000'));
  });

  it('answers 403 after the app is uninstalled', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:marketplace'] });
    const key = await server.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: secret.slice(0, 15) }, include: { app: true } });
    await uninstallApp(server.db.prisma, { slug: key.app.slug, organizationId: server.clinics[0]!.id });
    expect((await server.gql(meQuery, {}, { key: secret })).status).toBe(403);
  });

  it('sends a trace id as a header and in every error', async () => {
    const response = await server.gql('{ patient(id: "nope") { id } }');
    const traceId = response.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.errors?.[0]?.extensions?.traceId).toBe(traceId);
  });
});

describe('effective scopes', () => {
  it('are the key scopes ∩ the grant ∩ the declared scopes', async () => {
    const secret = await server.keyWith({
      declared: ['read:patients', 'read:providers', 'read:facilities', 'read:marketplace'],
      grant: ['read:patients', 'read:facilities', 'read:marketplace'],
      keyScopes: ['read:patients', 'read:providers', 'read:marketplace'],
    });
    const response = await server.gql(
      '{ me { scopes scopeStatus { scope declared granted inKey effective reason } } }',
      {},
      { key: secret },
    );
    expect(response.data?.me.scopes).toEqual(['read:patients', 'read:marketplace']);
    const status = Object.fromEntries(response.data?.me.scopeStatus.map((s: { scope: string }) => [s.scope, s]));
    expect(status['read:providers']).toMatchObject({ declared: true, granted: false, inKey: true, effective: false });
    expect(status['read:providers'].reason).toContain('clinic has not approved');
    expect(status['read:facilities'].reason).toContain('key does not carry');
    expect(status['read:bills'].reason).toContain('does not declare');
  });

  it('narrow on the next request when the clinic narrows its grant', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:patients', 'read:marketplace'] });
    const before = await server.gql('{ patients(first: 1) { totalCount } }', {}, { key: secret });
    expect(before.data?.patients.totalCount).toBeGreaterThan(0);
    const key = await server.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: secret.slice(0, 15) }, include: { app: true } });
    await updateGrant(server.db.prisma, { slug: key.app.slug, organizationId: server.clinics[0]!.id, grant: ['read:marketplace'] });
    const after = await server.gql('{ patients(first: 1) { totalCount } }', {}, { key: secret });
    expect(after.data?.patients).toBeNull();
    expect(after.errors?.[0]?.message).toBe('Insufficient scope. Required: read:patients');
  });

  it('count the legacy read:encounters as read:bills', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:encounters', 'read:marketplace'] });
    const response = await server.gql('{ me { scopes } bills(first: 1) { totalCount } }', {}, { key: secret });
    expect(response.errors).toBeUndefined();
    expect(response.data?.me.scopes).toContain('read:bills');
    expect(response.data?.bills.totalCount).toBeGreaterThan(0);
  });
});

describe('denied fields', () => {
  it('come back null with FORBIDDEN naming the scope, while the rest of the data returns', async () => {
    const secret = await server.keyWith({ keyScopes: ['read:appointments'] });
    const response = await server.gql(
      '{ appointments(first: 2) { totalCount nodes { id status patient { firstName } } } }',
      {},
      { key: secret },
    );
    expect(response.status).toBe(200);
    expect(response.data?.appointments.totalCount).toBeGreaterThan(0);
    for (const node of response.data?.appointments.nodes) {
      expect(node.id).toMatch(/^apt_/);
      expect(node.patient).toBeNull();
    }
    expect(response.errors).toHaveLength(2);
    for (const error of response.errors!) {
      expect(error.message).toBe('Insufficient scope. Required: read:patients');
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['read:patients'] });
      expect(error.path?.slice(-1)).toEqual(['patient']);
    }
  });

  it('never expose a stack trace or SQL', async () => {
    const response = await server.gql('{ patients(first: 1, after: "garbage") { totalCount } }');
    const text = JSON.stringify(response);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(text).not.toMatch(/at .*\.ts:\d+|SELECT |stack/i);
  });
});

describe('the demo key', () => {
  it('is a test key holding every scope in both demo clinics', async () => {
    for (const clinic of server.clinics) {
      const response = await server.gql('{ me { key { test prefix } organization { id } scopes } }', {}, { key: demoSecret, org: clinic.id });
      expect(response.data?.me.organization.id).toBe(clinic.id);
      expect(response.data?.me.key.test).toBe(true);
      expect(response.data?.me.scopes).toHaveLength(9);
    }
  });

  it('is never what a new key gets: new secrets are random, live or test by prefix', async () => {
    const created = await createKey(server.db.prisma, { slug: 'clinicgraph-demo', test: true });
    expect(created.secret).not.toBe(demoSecret);
    expect(created.secret).toMatch(/^cgk_test_[0-9A-Za-z]{40}$/);
    const live = await createKey(server.db.prisma, { slug: 'clinicgraph-demo' });
    expect(live.secret).toMatch(/^cgk_live_[0-9A-Za-z]{40}$/);
    const stored = await server.db.prisma.apiKey.findUniqueOrThrow({ where: { id: live.id } });
    expect(JSON.stringify(stored)).not.toContain(live.secret);
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
