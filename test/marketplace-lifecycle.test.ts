import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignableScopes, scopeOfType } from '../src/scopes.js';
import { createApp, type App } from '../src/yoga.js';
import { openTestDatabaseOnDisk, type DiskDatabase } from './support/database.js';
import { holdAsServer, runCli } from './support/cli.js';

const run = promisify(execFile);

let disk: DiskDatabase;
let app: App;
let release: () => Promise<void>;
let clinic: string;

/** The server as `npm start` runs it: holding the embedded database, CLI commands reach it over its socket. */
beforeAll(async () => {
  disk = await openTestDatabaseOnDisk();
  release = await holdAsServer(disk);
  app = createApp({ db: disk.db });
  clinic = (await disk.db.prisma.organization.findFirstOrThrow({ orderBy: { name: 'asc' } })).id;
});

afterAll(async () => {
  await app.close();
  await release();
  await disk.db.close();
});

const cli = runCli;

async function cliJson<T = Record<string, any>>(...args: string[]): Promise<T> {
  const result = await cli('--json', ...args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

async function gql(key: string, query: string, org = clinic) {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-organization-id': org },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: { message: string }[] }) };
}

const { Patient: patients, Appointment: appointments, Provider: providers, Me: marketplace } = scopeOfType;
const probe = '{ me { scopes } appointments(first: 1) { nodes { id patient { id } } } }';

describe('marketplace lifecycle through the CLI and the GraphQL endpoint', () => {
  it('create, install with a partial grant, key with a subset, narrow, revoke, rotate, uninstall, reinstall', async () => {
    const slug = 'recall-reminders';
    const created = await cliJson('apps', 'create', '--slug', slug, '--name', 'Recall Reminders', '--scopes', [patients, appointments, providers, marketplace].join(','));
    expect(created.declaredScopes).toEqual([patients, appointments, providers, marketplace]);
    const firstVersion = created.liveVersionId;

    const installation = await cliJson('apps', 'install', '--app', slug, '--org', clinic, '--grant', [patients, appointments, marketplace].join(','));
    expect(installation.grantedScopes).toEqual([patients, appointments, marketplace]);

    const narrowKey = await cliJson('keys', 'create', '--app', slug, '--scopes', [appointments, marketplace].join(','));
    expect(narrowKey.secret).toMatch(/^cgk_live_/);
    let response = await gql(narrowKey.secret, probe);
    expect(response.data.me.scopes).toEqual([appointments, marketplace]);
    expect(response.data.appointments.nodes[0].id).toMatch(/^apt_/);
    expect(response.data.appointments.nodes[0].patient).toBeNull();
    expect(response.errors?.[0]?.message).toBe(`Insufficient scope. Required: ${patients}`);

    const wideKey = await cliJson('keys', 'create', '--app', slug, '--test');
    expect(wideKey.secret).toMatch(/^cgk_test_/);
    expect(wideKey.scopes).toEqual([patients, appointments, providers, marketplace]);
    response = await gql(wideKey.secret, probe);
    expect(response.errors).toBeUndefined();
    expect(response.data.me.scopes).toEqual([patients, appointments, marketplace]);

    // The clinic narrows its grant: the very next request loses patients.
    await cliJson('installations', 'update', '--app', slug, '--org', clinic, '--grant', [appointments, marketplace].join(','));
    response = await gql(wideKey.secret, probe);
    expect(response.data.me.scopes).toEqual([appointments, marketplace]);
    expect(response.errors?.[0]?.message).toBe(`Insufficient scope. Required: ${patients}`);

    // Revocation applies at once.
    await cliJson('keys', 'revoke', narrowKey.id);
    response = await gql(narrowKey.secret, probe);
    expect(response.status).toBe(401);

    // Rotation with a grace period: both work until it ends; without one the old key stops now.
    const graceful = await cliJson('keys', 'rotate', wideKey.id, '--grace', '1h');
    expect((await gql(wideKey.secret, probe)).status).toBe(200);
    expect((await gql(graceful.created.secret, probe)).status).toBe(200);
    expect(graceful.created.scopes).toEqual(wideKey.scopes);
    expect(graceful.created.test).toBe(true);
    const immediate = await cliJson('keys', 'rotate', graceful.created.id);
    expect((await gql(graceful.created.secret, probe)).status).toBe(401);
    const current = immediate.created.secret as string;
    expect((await gql(current, probe)).status).toBe(200);

    // A new declared set is a new live version, and takes effect on the next request.
    const updated = await cliJson('apps', 'update', '--app', slug, '--scopes', [appointments, providers, marketplace].join(','));
    expect(updated.liveVersionId).not.toBe(firstVersion);
    expect(updated.versions).toHaveLength(2);
    response = await gql(current, '{ me { scopes app { liveVersionId declaredScopes } } }');
    expect(response.data.me.app.liveVersionId).toBe(updated.liveVersionId);
    expect(response.data.me.scopes).toEqual([appointments, marketplace]);

    // Uninstall ends access and keeps history; reinstall restores it with a fresh grant.
    await cliJson('apps', 'uninstall', '--app', slug, '--org', clinic);
    expect((await gql(current, probe)).status).toBe(403);
    const reinstalled = await cliJson('apps', 'install', '--app', slug, '--org', clinic);
    expect(reinstalled.id).toBe(installation.id);
    expect(reinstalled.grantedScopes).toEqual([appointments, providers, marketplace]);
    response = await gql(current, '{ me { scopes } providers(first: 1) { totalCount } }');
    expect(response.data.me.scopes).toEqual([appointments, providers, marketplace]);
    expect(response.data.providers.totalCount).toBeGreaterThan(0);
    const history = await disk.db.prisma.installationEvent.findMany({
      where: { installationId: installation.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(history.map((event) => event.kind)).toEqual(['installed', 'grant_changed', 'uninstalled', 'reinstalled']);

    // Keys are listed by prefix, never with a secret or its hash; last use is recorded.
    const keys = await cliJson<Record<string, unknown>[]>('keys', 'list', '--app', slug);
    expect(keys).toHaveLength(4);
    const listed = JSON.stringify(keys);
    for (const secret of [narrowKey.secret, wideKey.secret, current]) expect(listed).not.toContain(secret.slice(16));
    expect(listed).not.toContain('secretHash');
  });

  it('creates keys that expire', async () => {
    await cliJson('apps', 'create', '--slug', 'expiring-app', '--name', 'Expiring', '--scopes', marketplace);
    await cliJson('apps', 'install', '--app', 'expiring-app', '--org', clinic);
    const key = await cliJson('keys', 'create', '--app', 'expiring-app', '--expires-in', '30d');
    const days = (new Date(key.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect((await gql(key.secret, '{ me { key { expiresAt } } }')).data.me.key.expiresAt).toBe(key.expiresAt);
  });

  it('refuses what the rules forbid, with messages that say what to do', async () => {
    await cliJson('apps', 'create', '--slug', 'rules-app', '--name', 'Rules', '--scopes', [appointments, marketplace].join(','));
    const refusals: [string[], string][] = [
      [['apps', 'create', '--slug', 'bad-scope', '--name', 'B', '--scopes', 'read:everything'], `Unknown scopes: read:everything. Valid scopes: ${assignableScopes.join(', ')}.`],
      [['apps', 'install', '--app', 'rules-app', '--org', clinic, '--grant', patients], `App "rules-app" does not declare ${patients}; a clinic can grant only declared scopes (${appointments}, ${marketplace}).`],
      [['keys', 'create', '--app', 'rules-app', '--scopes', providers], `A key of "rules-app" cannot hold ${providers}: the app declares only ${appointments}, ${marketplace}.`],
      [['apps', 'create', '--slug', 'rules-app', '--name', 'Again', '--scopes', marketplace], 'Slug "rules-app" is taken: app slugs are unique. Choose another.'],
      [['apps', 'create', '--slug', 'Bad Slug', '--name', 'B', '--scopes', marketplace], 'Slug "Bad Slug" is not valid'],
      [['keys', 'create', '--app', 'rules-app', '--expires-in', 'soon'], 'Durations look like 30m, 12h, 30d or 8w; got "soon".'],
      [['keys', 'revoke', 'key_00000000000000000000'], 'No API key key_00000000000000000000.'],
      [['apps', 'install', '--app', 'no-such-app', '--org', clinic], 'No app with slug "no-such-app".'],
      [['apps', 'install', '--app', 'rules-app', '--org', 'org_00000000000000000000'], 'No organization org_00000000000000000000.'],
    ];
    for (const [args, message] of refusals) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    await cliJson('apps', 'install', '--app', 'rules-app', '--org', clinic);
    const twice = await cli('apps', 'install', '--app', 'rules-app', '--org', clinic);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('App "rules-app" is already installed in');
    const json = await cli('--json', 'apps', 'install', '--app', 'rules-app', '--org', clinic);
    expect(JSON.parse(json.stderr).error).toContain('already installed');
  });
});

describe('the CLI as a program', () => {
  it('prints --help for every command and exits non-zero on a usage error', async () => {
    const bin = ['tsx', 'src/cli/bin.ts'];
    const help = await run('npx', [...bin, 'keys', 'create', '--help']);
    expect(help.stdout).toContain('--expires-in <duration>');
    expect(help.stdout).toContain('--scopes <scopes>');
    const usage = await run('npx', [...bin, 'keys', 'create']).catch((error: { code: number; stderr: string }) => error);
    expect('code' in usage && usage.code).toBe(2);
    expect((usage as { stderr: string }).stderr).toContain("required option '--app <slug>' not specified");
  }, 60_000);
});
