import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/accounts/tokens.js';
import { openTestDatabaseOnDisk, type DiskDatabase } from './support/database.js';
import { holdAsServer, runCli } from './support/cli.js';

/** Registration and accounts as an operator does them: through the CLI, reaching the database as it does beside a running server. */
let disk: DiskDatabase;
let clinic: string;
let release: () => Promise<void>;

beforeAll(async () => {
  disk = await openTestDatabaseOnDisk();
  release = await holdAsServer(disk);
  clinic = (await disk.db.prisma.organization.findFirstOrThrow({ orderBy: { name: 'asc' } })).id;
});

afterAll(async () => {
  await release();
  await disk.db.close();
});

const cli = runCli;

describe('the CLI registers OAuth clients and clinic admins', () => {
  it('prints a client secret once and stores only its hash; refuses redirect URIs that cannot be matched safely', async () => {
    const created = await cli('apps', 'create', '--slug', 'cli-oauth', '--name', 'CLI OAuth', '--scopes', 'read:patients,read:marketplace',
      '--optional', 'read:patients', '--redirect-uris', 'https://app.example.com/callback,http://127.0.0.1:7000/cb');
    expect(created.code).toBe(0);
    const secret = /^(cgs_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(secret, created.stdout).toBeTruthy();
    expect(created.stdout).toContain('OAuth client_id: app_');

    const rotated = await cli('--json', 'apps', 'oauth', '--app', 'cli-oauth', '--new-secret');
    const second = JSON.parse(rotated.stdout).oauth.clientSecret as string;
    expect(second).not.toBe(secret);
    const listed = await cli('--json', 'apps', 'list');
    expect(listed.stdout).not.toContain(hashToken(second));
    expect(listed.stdout).not.toContain('clientSecretHash');

    for (const [uri, reason] of [
      ['http://app.example.com/cb', 'must use https'],
      ['https://app.example.com/cb#frag', 'fragment'],
      ['/relative', 'absolute URL'],
    ] as const) {
      const refused = await cli('apps', 'oauth', '--app', 'cli-oauth', '--redirect-uris', uri);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(reason);
    }
    const undeclared = await cli('apps', 'oauth', '--app', 'cli-oauth', '--optional', 'read:claims');
    expect(undeclared.stderr).toContain('Optional scopes must be among the declared ones');
  });

  it('creates an admin and prints a one-time set-password link; a second admin with the same email is refused', async () => {
    const created = await cli('admins', 'create', '--org', clinic, '--email', 'Sam.Ortiz@Example.com', '--name', 'Sam Ortiz');
    expect(created.code).toBe(0);
    const link = /(http:\/\/localhost:\d+\/console\/set-password\?token=[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
    expect(link, created.stdout).toBeTruthy();
    expect(created.stdout).toContain('no mail is sent');

    const again = await cli('admins', 'create', '--org', clinic, '--email', 'sam.ortiz@example.com', '--name', 'Sam');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('admins reset-password --email sam.ortiz@example.com');

    const reset = await cli('admins', 'reset-password', '--email', 'sam.ortiz@example.com');
    const newLink = /(http:\/\/\S+token=\S+)/.exec(reset.stdout)?.[1];
    expect(newLink).toBeTruthy();
    expect(newLink).not.toBe(link);

    const listed = JSON.parse((await cli('--json', 'admins', 'list', '--org', clinic)).stdout) as { email: string; passwordHash?: string }[];
    expect(listed.map((a) => a.email)).toContain('sam.ortiz@example.com');
    expect(listed.every((a) => !('passwordHash' in a))).toBe(true);

    const disabled = await cli('admins', 'disable', '--email', 'sam.ortiz@example.com');
    expect(disabled.code).toBe(0);
    expect((await cli('admins', 'reset-password', '--email', 'sam.ortiz@example.com')).stderr).toContain('disabled');
  });
});
