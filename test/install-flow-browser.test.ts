import { createServer, type Server } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { main } from '../src/cli/main.js';
import { projectRoot } from '../src/db/migrate.js';
import { demoAdminOf } from '../src/demo/seed.js';
import { browserTestsRun, chromiumArgs, chromiumPath } from './support/chromium.js';
import { ServerProcess } from './support/server-process.js';
import { authorizeUrl, pkcePair, tokenRequest } from './support/web.js';

/**
 * The install flow as a clinic admin meets it: the real server process, headless Chromium, the app
 * registered through the CLI, and the app's own callback server (this test's) receiving the code.
 * Screenshots: test-results/install-flow/ (named in the README).
 */
const screenshots = path.join(projectRoot, 'test-results', 'install-flow');
const server = new ServerProcess();
let browser: Browser | undefined;
let callback: Server | undefined;
let callbackUrl = '';
const received: URL[] = [];
let clinics: { id: string; name: string }[] = [];
let app: { id: string; secret: string; slug: string };
let waiters: ((url: URL) => void)[] = [];

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA violations on the page as it is now (evaluated through DevTools, which the page's CSP does not govern). */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  return violations;
}

function nextCallback(): Promise<URL> {
  return new Promise((resolve) => waiters.push(resolve));
}

async function cli(...args: string[]): Promise<Record<string, any>> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = server.databaseUrl;
  try {
    expect(await main(['node', 'clinicgraph', '--json', ...args])).toBe(0);
    return JSON.parse(out.join('\n')) as Record<string, any>;
  } finally {
    process.env.DATABASE_URL = previous;
    log.mockRestore();
  }
}

async function graphql(key: string, organizationId: string, query: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'x-organization-id': organizationId, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] } };
}

/** Everything the pages asked for, beyond the server and the app's callback, and every CSP report. */
function watch(page: Page, problems: string[]) {
  const allowed = new Set([new URL(server.url).host, new URL(callbackUrl).host]);
  page.on('request', (request) => {
    if (!allowed.has(new URL(request.url()).host)) problems.push(`outside request: ${request.url()}`);
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}

describe.runIf(browserTestsRun())('the install flow in a real browser', () => {
  beforeAll(async () => {
    callback = createServer((request, response) => {
      const url = new URL(request.url ?? '/', callbackUrl);
      // Chromium also asks for /favicon.ico.
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      received.push(url);
      for (const waiter of waiters) waiter(url);
      waiters = [];
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>App callback</title><h1>The app received the answer.</h1>');
    });
    await new Promise<void>((resolve) => callback!.listen(0, '127.0.0.1', resolve));
    const address = callback.address();
    callbackUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callback`;
    await server.start();
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    clinics = (await cli('orgs', 'list')) as unknown as { id: string; name: string }[];
    clinics.sort((a, b) => a.name.localeCompare(b.name));
    const created = await cli(
      'apps', 'create', '--slug', 'browser-recall', '--name', 'Browser Recall',
      '--scopes', 'read:patients,read:appointments,read:providers,read:marketplace',
      '--optional', 'read:providers', '--redirect-uris', callbackUrl,
    );
    app = { id: created.oauth.clientId, secret: created.oauth.clientSecret, slug: created.slug };
    // Installed in the other clinic as well: the key's refusal there is its clinic binding.
    await cli('apps', 'install', '--app', app.slug, '--org', clinics[1]!.id);
    await mkdir(screenshots, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server.stop();
    await new Promise((resolve) => callback?.close(resolve));
  }, 60_000);

  it('signs in, approves part of the request, and the app gets a key for that clinic only; Deny says access_denied', async () => {
    const [clinic, other] = clinics as [{ id: string; name: string }, { id: string; name: string }];
    const admin = demoAdminOf(clinic);
    const problems: string[] = [];
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    watch(page, problems);
    const pkce = pkcePair();
    await page.goto(authorizeUrl({ base: server.url, clientId: app.id, redirectUri: callbackUrl, state: 'state-approve', challenge: pkce.challenge }));

    // Not signed in: the sign-in form first, used with the keyboard alone.
    await page.getByLabel('Email').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin.password);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: /Allow Browser Recall/ }).waitFor();
    expect(await page.getByLabel(/Read patients/).isChecked()).toBe(true);
    expect(await page.getByLabel(/Read providers/).isChecked()).toBe(false);
    expect(await page.locator('.scope', { hasText: 'read:patients' }).locator('.tag.phi').count()).toBe(1);
    expect(await page.locator('.scope', { hasText: 'read:providers' }).locator('.tag.phi').count()).toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'consent.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel(/Read appointments/).uncheck();
    const answered = nextCallback();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    const answer = await answered;
    await page.getByText('The app received the answer.').waitFor();
    expect(answer.searchParams.get('state')).toBe('state-approve');
    const code = answer.searchParams.get('code');
    expect(code).toBeTruthy();

    const exchanged = await fetch(
      `${server.url}/oauth/token`,
      tokenRequest({ grant_type: 'authorization_code', code: code!, redirect_uri: callbackUrl, client_id: app.id, client_secret: app.secret, code_verifier: pkce.verifier }),
    );
    expect(exchanged.status).toBe(200);
    const token = (await exchanged.json()) as { access_token: string; scope: string; organization_id: string };
    expect(token.scope).toBe('read:patients read:marketplace');
    expect(token.organization_id).toBe(clinic.id);

    const me = await graphql(token.access_token, clinic.id, '{ me { organization { id } scopes } }');
    expect(me.body.data?.me).toEqual({ organization: { id: clinic.id }, scopes: ['read:patients', 'read:marketplace'] });
    const elsewhere = await graphql(token.access_token, other.id, '{ me { scopes } }');
    expect(elsewhere.status).toBe(403);

    // The same admin, still signed in, denies a second request.
    const denied = nextCallback();
    await page.goto(authorizeUrl({ base: server.url, clientId: app.id, redirectUri: callbackUrl, state: 'state-deny' }));
    await page.getByRole('button', { name: 'Deny' }).click();
    const refusal = await denied;
    expect(refusal.searchParams.get('error')).toBe('access_denied');
    expect(refusal.searchParams.get('state')).toBe('state-deny');
    expect(refusal.searchParams.has('code')).toBe(false);

    // The console: the installation, the chart, a filtered PHI record, and a narrowing the app feels at once.
    const read = await graphql(token.access_token, clinic.id, 'query RecallList { patients(first: 3) { nodes { id lastName } } }');
    const patientId = read.body.data?.patients.nodes[0].id as string;
    expect(patientId).toMatch(/^pat_/);

    await page.goto(`${server.url}/console`);
    const card = page.locator('section.card', { has: page.getByRole('heading', { name: /Browser Recall/ }) });
    await card.waitFor();
    expect(await card.getByLabel(/Read patients/).isChecked()).toBe(true);
    expect(await card.textContent()).toContain(`by ${admin.name}`);
    const chart = page.getByRole('img', { name: 'PHI access records per day per app' });
    expect(await chart.locator('rect').count()).toBeGreaterThan(0);
    expect(await page.locator('.legend').textContent()).toContain('Browser Recall');
    await page.screenshot({ path: path.join(screenshots, 'console.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Open the PHI access record' }).click();
    await page.getByLabel('App').selectOption(app.slug);
    await page.getByLabel('Patient id').fill(patientId);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To (inclusive)').fill(today);
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('RecallList');
    expect(await rows.first().textContent()).toContain(patientId);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(screenshots, 'access-record-phone.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    // Phone width: nothing wider than the screen but the table, which scrolls inside its own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1100, height: 900 });

    await page.goto(`${server.url}/console`);
    await card.getByLabel(/Read patients/).uncheck();
    await card.getByRole('button', { name: 'Save narrower grant' }).click();
    await page.getByRole('status').getByText('The grant is narrowed').waitFor();
    const narrowed = await graphql(token.access_token, clinic.id, '{ me { scopes } }');
    expect(narrowed.body.data?.me.scopes).toEqual(['read:marketplace']);
    const refused = await graphql(token.access_token, clinic.id, '{ patients(first: 1) { nodes { id } } }');
    expect(refused.body.errors?.[0]?.message).toContain('Insufficient scope. Required: read:patients');

    expect(problems).toEqual([]);
    expect(received).toHaveLength(2);
  }, 180_000);
});
