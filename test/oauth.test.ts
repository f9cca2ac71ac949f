import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../src/accounts/service.js';
import { demoAdminOf } from '../src/demo/seed.js';
import { createApp as createMarketplaceApp, installApp } from '../src/marketplace/service.js';
import { hashToken } from '../src/accounts/tokens.js';
import { startTestServer, type TestServer } from './support/app.js';
import { authorizeUrl, CookieClient, hiddenValue, pkcePair, tokenRequest } from './support/web.js';

/**
 * The install flow and the console, in process (yoga.fetch): every refusal the issue lists, each on
 * its own, plus the happy path the browser test drives in Chromium.
 */
let server: TestServer;
let clinicA: { id: string; name: string };
let clinicB: { id: string; name: string };
const redirectUri = 'http://127.0.0.1:9/callback';
let client: { id: string; secret: string; slug: string };

const fetchApp = async (url: string, init?: RequestInit): Promise<Response> => server.app.yoga.fetch(url, init ?? {});
const browser = () => new CookieClient(fetchApp);

beforeAll(async () => {
  server = await startTestServer();
  [clinicA, clinicB] = server.clinics as [typeof clinicA, typeof clinicB];
  const created = await createMarketplaceApp(server.db.prisma, {
    slug: 'oauth-test-app',
    name: 'OAuth Test App',
    scopes: ['read:patients', 'read:appointments', 'read:providers', 'read:marketplace'],
    optionalScopes: ['read:providers'],
    redirectUris: [redirectUri],
  });
  client = { id: created.id, secret: created.oauth!.clientSecret, slug: created.slug };
  // Installed in the other clinic too, so a refusal there is the key's clinic binding, not a missing installation.
  await installApp(server.db.prisma, { slug: client.slug, organizationId: clinicB.id });
});

afterAll(() => server.close());

async function signedInAs(clinic: { name: string }) {
  const b = browser();
  const admin = demoAdminOf(clinic);
  const response = await b.signIn(admin.email, admin.password);
  expect(response.status).toBe(303);
  return b;
}

/** Signs in, opens the install link, and posts a decision; returns the redirect's URL. */
async function consent(options: { scopes?: string[]; deny?: boolean; challenge?: string; state?: string; clinic?: { name: string } } = {}) {
  const b = await signedInAs(options.clinic ?? clinicA);
  const state = options.state ?? `s-${Math.random().toString(36).slice(2)}`;
  const pkce = pkcePair();
  const challenge = options.challenge ?? pkce.challenge;
  const page = await b.fetch(authorizeUrl({ clientId: client.id, redirectUri, state, challenge }));
  expect(page.status).toBe(200);
  const html = await page.text();
  const fields: Record<string, string | string[]> = {};
  for (const name of ['csrf', 'requested', 'response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']) {
    fields[name] = hiddenValue(html, name);
  }
  const decided = await b.post('/oauth/authorize', {
    ...fields,
    scope: options.scopes ?? ['read:patients', 'read:marketplace'],
    decision: options.deny ? 'deny' : 'approve',
  });
  expect(decided.status).toBe(303);
  return { location: new URL(decided.headers.get('location')!), verifier: pkce.verifier, state, browser: b, html };
}

function exchange(fields: Record<string, string | undefined>) {
  return fetchApp(
    'http://yoga/oauth/token',
    tokenRequest({ grant_type: 'authorization_code', redirect_uri: redirectUri, client_id: client.id, client_secret: client.secret, ...fields }),
  );
}

describe('the install flow', () => {
  it('issues a key for the consenting clinic only, holding exactly the approved scopes', async () => {
    const { location, verifier, state, html } = await consent({ scopes: ['read:patients', 'read:appointments', 'read:marketplace'] });
    // The consent page marks patient data and leaves the optional scope unchecked.
    expect(html).toMatch(/value="read:patients" checked/);
    expect(html).toMatch(/value="read:providers" aria-describedby/);
    expect(html).toContain('<span class="tag phi">Patient data</span>');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe(state);
    const code = location.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const response = await exchange({ code, code_verifier: verifier });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'read:patients read:appointments read:marketplace', organization_id: clinicA.id });
    expect(body.access_token).toMatch(/^cgk_live_[0-9A-Za-z]{40}$/);
    expect(body).not.toHaveProperty('refresh_token');

    const me = await server.gql('{ me { app { slug } organization { id } scopes } }', {}, { key: body.access_token, org: clinicA.id });
    expect(me.data?.me).toEqual({ app: { slug: client.slug }, organization: { id: clinicA.id }, scopes: ['read:patients', 'read:appointments', 'read:marketplace'] });
    const elsewhere = await server.gql('{ me { scopes } }', {}, { key: body.access_token, org: clinicB.id });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.errors?.[0]?.message).toContain('works only there');

    // The installation went through the marketplace service, naming the admin who acted.
    const installation = await server.db.prisma.installationRecord.findUniqueOrThrow({
      where: { appId_organizationId: { appId: client.id, organizationId: clinicA.id } },
      include: { events: { orderBy: { createdAt: 'desc' }, take: 1, include: { admin: true } } },
    });
    expect(installation.grantedScopes).toEqual(['read:patients', 'read:appointments', 'read:marketplace']);
    expect(installation.events[0]?.admin?.email).toBe(demoAdminOf(clinicA).email);
  });

  it('Deny sends the admin back with access_denied and the state', async () => {
    const { location, state } = await consent({ deny: true });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses a redirect URI that is not registered exactly, without redirecting', async () => {
    const b = await signedInAs(clinicA);
    for (const uri of [`${redirectUri}/`, 'http://127.0.0.1:9/callback?x=1', 'https://attacker.example/callback']) {
      const response = await b.fetch(authorizeUrl({ clientId: client.id, redirectUri: uri, state: 's' }));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('did not register');
    }
  });

  it('refuses an authorization request without PKCE S256, back at the app', async () => {
    const b = await signedInAs(clinicA);
    const missing = await b.fetch(authorizeUrl({ clientId: client.id, redirectUri, state: 'p1', challenge: null, method: null }));
    expect(missing.status).toBe(303);
    const location = new URL(missing.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('code_challenge');
    const plain = await b.fetch(authorizeUrl({ clientId: client.id, redirectUri, state: 'p2', method: 'plain' }));
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a missing or wrong PKCE verifier, and the failed attempt uses the code up', async () => {
    const missing = await consent();
    const noVerifier = await exchange({ code: missing.location.searchParams.get('code')! });
    expect(noVerifier.status).toBe(400);
    expect(await noVerifier.json()).toMatchObject({ error: 'invalid_grant' });

    const wrong = await consent();
    const code = wrong.location.searchParams.get('code')!;
    const wrongVerifier = await exchange({ code, code_verifier: pkcePair().verifier });
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('verifier') });
    const retried = await exchange({ code, code_verifier: wrong.verifier });
    expect(await retried.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a replayed code, and revokes the key its first exchange issued', async () => {
    const { location, verifier } = await consent();
    const code = location.searchParams.get('code')!;
    const first = (await (await exchange({ code, code_verifier: verifier })).json()) as { access_token: string };
    expect((await server.gql('{ me { scopes } }', {}, { key: first.access_token, org: clinicA.id })).status).toBe(200);
    const replay = await exchange({ code, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    const after = await server.gql('{ me { scopes } }', {}, { key: first.access_token, org: clinicA.id });
    expect(after.status).toBe(401);
  });

  it('refuses an expired code (codes live 60 s)', async () => {
    const { location, verifier } = await consent();
    const code = location.searchParams.get('code')!;
    const row = await server.db.prisma.oAuthAuthorizationCode.findUniqueOrThrow({ where: { codeHash: hashToken(code) } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(61_000);
    await server.db.prisma.oAuthAuthorizationCode.update({ where: { codeHash: row.codeHash }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = await exchange({ code, code_verifier: verifier });
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  it('takes the client credentials as HTTP Basic too (as `curl -u` sends them)', async () => {
    const { location, verifier } = await consent();
    const init = tokenRequest({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
    const response = await fetchApp('http://yoga/oauth/token', {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ organization_id: clinicA.id, scope: 'read:patients read:marketplace' });
  });

  it('refuses a token request without the client secret or with a wrong one', async () => {
    const { location, verifier } = await consent();
    const code = location.searchParams.get('code')!;
    const none = await exchange({ code, code_verifier: verifier, client_secret: undefined });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'invalid_client' });
    const wrong = await exchange({ code, code_verifier: verifier, client_secret: `cgs_${'x'.repeat(43)}` });
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('sends a signed-out admin to sign in first, then back to the consent page', async () => {
    const b = browser();
    const link = authorizeUrl({ clientId: client.id, redirectUri, state: 'back' });
    const response = await b.fetch(link);
    expect(response.status).toBe(303);
    const signIn = response.headers.get('location')!;
    expect(signIn).toMatch(/^\/console\/sign-in\?next=/);
    const admin = demoAdminOf(clinicA);
    const next = new URL(signIn, 'http://yoga').searchParams.get('next')!;
    const signedIn = await b.signIn(admin.email, admin.password, next);
    expect(signedIn.headers.get('location')).toBe(next);
    expect((await b.fetch(next)).status).toBe(200);
  });
});

describe('forms and sessions', () => {
  it('refuses every form without its CSRF token', async () => {
    const b = await signedInAs(clinicA);
    const page = await (await b.fetch(authorizeUrl({ clientId: client.id, redirectUri, state: 'c' }))).text();
    const fields = Object.fromEntries(
      ['requested', 'response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'].map((n) => [n, hiddenValue(page, n)]),
    );
    const approve = await b.post('/oauth/authorize', { ...fields, scope: 'read:patients', decision: 'approve' });
    expect(approve.status).toBe(403);
    expect(approve.headers.get('location')).toBeNull();
    const forged = await b.post('/oauth/authorize', { ...fields, csrf: 'forged-token', scope: 'read:patients', decision: 'approve' });
    expect(forged.status).toBe(403);

    const installation = await server.db.prisma.installationRecord.findFirstOrThrow({ where: { organizationId: clinicA.id, uninstalledAt: null } });
    expect((await b.post(`/console/installations/${installation.id}/grant`, { scope: 'read:patients' })).status).toBe(403);
    expect((await b.post('/console/sign-out', {})).status).toBe(403);

    const anonymous = browser();
    await anonymous.fetch('/console/sign-in');
    const admin = demoAdminOf(clinicA);
    const signIn = await anonymous.post('/console/sign-in', { email: admin.email, password: admin.password });
    expect(signIn.status).toBe(403);
    expect(anonymous.cookies.has('cg_session')).toBe(false);
  });

  it('refuses an admin of another clinic managing this clinic’s apps', async () => {
    const installation = await server.db.prisma.installationRecord.findFirstOrThrow({
      where: { organizationId: clinicA.id, uninstalledAt: null, app: { slug: 'clinicgraph-demo' } },
    });
    const other = await signedInAs(clinicB);
    const consolePage = await (await other.fetch('/console')).text();
    expect(consolePage).not.toContain(installation.id);
    const csrf = hiddenValue(consolePage, 'csrf');
    const narrow = await other.post(`/console/installations/${installation.id}/grant`, { csrf, scope: 'read:marketplace' });
    expect(narrow.status).toBe(404);
    const uninstall = await other.post(`/console/installations/${installation.id}/uninstall`, { csrf });
    expect(uninstall.status).toBe(404);
    const after = await server.db.prisma.installationRecord.findUniqueOrThrow({ where: { id: installation.id } });
    expect(after.grantedScopes).toEqual(installation.grantedScopes);
    expect(after.uninstalledAt).toBeNull();
  });

  it('refuses the console without a session', async () => {
    const b = browser();
    const page = await b.fetch('/console');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole');
    expect((await b.fetch('/console/access?app=clinicgraph-demo')).status).toBe(303);
    const installation = await server.db.prisma.installationRecord.findFirstOrThrow({ where: { organizationId: clinicA.id } });
    expect((await b.post(`/console/installations/${installation.id}/uninstall`, { csrf: 'x' })).status).toBe(401);
    const forgedCookie = new CookieClient(fetchApp);
    forgedCookie.cookies.set('cg_session', 'not-a-session');
    expect((await forgedCookie.fetch('/console')).status).toBe(303);
  });

  it('throttles repeated wrong passwords per account, even when the right one follows', async () => {
    const b = browser();
    const admin = demoAdminOf(clinicB);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await b.signIn(admin.email, `wrong password ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await b.signIn(admin.email, admin.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await right.text()).toContain('Too many failed sign-ins');
  });

  it('counts failed sign-ins across instances through Redis (REDIS_URL)', async () => {
    const { createApp } = await import('../src/yoga.js');
    const keyPrefix = `test-signin-${process.pid}-${Date.now()}`;
    const options = { hardening: { rateLimit: { redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix } }, accounts: { signIn: { accountPoints: 3 } } };
    const instances = [createApp({ db: server.db, ...options }), createApp({ db: server.db, ...options })];
    try {
      const admin = demoAdminOf(clinicA);
      const clients = instances.map((instance) => new CookieClient(async (url, init) => instance.yoga.fetch(url, init ?? {})));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await clients[i % 2]!.signIn(admin.email, `wrong ${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });

  it('sets a password through the one-time link, and signs out', async () => {
    const created = await createAdmin(
      server.db.prisma,
      { organizationId: clinicA.id, email: 'Dana.Reyes@Riverside.example', name: 'Dana Reyes' },
      { passwordLinkTtlMs: 3_600_000, publicUrl: 'http://yoga' },
    );
    const link = new URL(created.passwordLink.url);
    const b = browser();
    const form = await (await b.fetch(link.pathname + link.search)).text();
    expect(form).toContain('dana.reyes@riverside.example');
    const fields = { csrf: hiddenValue(form, 'csrf'), token: hiddenValue(form, 'token') };
    const short = await b.post('/console/set-password', { ...fields, password: 'short', confirmation: 'short' });
    expect(short.status).toBe(400);
    const set = await b.post('/console/set-password', { ...fields, password: 'correct horse battery', confirmation: 'correct horse battery' });
    expect(set.status).toBe(303);
    expect((await b.fetch(link.pathname + link.search)).status).toBe(404);

    const stored = await server.db.prisma.clinicAdmin.findUniqueOrThrow({ where: { email: 'dana.reyes@riverside.example' } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const signedIn = await b.signIn('dana.reyes@riverside.example', 'correct horse battery');
    expect(signedIn.status).toBe(303);
    const sessionCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('cg_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(sessionCookie).not.toMatch(/Secure/);
    const token = sessionCookie.split(';')[0]!.split('=')[1]!;
    expect(await server.db.prisma.adminSession.findUnique({ where: { tokenHash: hashToken(token) } })).not.toBeNull();

    const consolePage = await (await b.fetch('/console')).text();
    const out = await b.post('/console/sign-out', { csrf: hiddenValue(consolePage, 'csrf') });
    expect(out.headers.get('location')).toBe('/console/sign-in?notice=signed_out');
    const stale = new CookieClient(fetchApp);
    stale.cookies.set('cg_session', token);
    expect((await stale.fetch('/console')).status).toBe(303);
  });

  it('marks the session cookie Secure behind a TLS-terminating proxy', async () => {
    const { createApp } = await import('../src/yoga.js');
    const behindProxy = createApp({ db: server.db, accounts: { trustProxy: true } });
    try {
      const b = new CookieClient(async (url, init) => behindProxy.yoga.fetch(url, init ?? {}));
      const admin = demoAdminOf(clinicA);
      const form = await (await b.fetch('/console/sign-in', { headers: { 'x-forwarded-proto': 'https' } })).text();
      const response = await b.post('/console/sign-in', { csrf: hiddenValue(form, 'csrf'), email: admin.email, password: admin.password }, { 'x-forwarded-proto': 'https' });
      expect(response.headers.getSetCookie().find((c) => c.startsWith('cg_session='))).toMatch(/Secure/);
    } finally {
      await behindProxy.close();
    }
  });

  it('serves pages with a strict CSP, no caching, no framing and no cross-origin reads', async () => {
    const b = await signedInAs(clinicA);
    const response = await b.fetch('/console/access', { headers: { origin: 'https://elsewhere.example' } });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/ style="/);
  });

  it('escapes what it shows', async () => {
    const b = await signedInAs(clinicA);
    const page = await (await b.fetch('/console/access?patient=%3Cscript%3Ealert(1)%3C%2Fscript%3E')).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;');
  });
});
