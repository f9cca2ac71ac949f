import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { ServerProcess } from './support/server-process.js';

/** The server as `npm start` runs it in production: what it writes where, and its socket timeouts. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
      }
    });
}

// Development's banner (stderr) is read by the browser tests, which start the server in development.
describe('NODE_ENV=production', () => {
  const server = new ServerProcess({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: 'a'.repeat(64) });
  let exitCode: number | null = null;

  beforeAll(async () => {
    await server.start();
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': 'org_pj24yphajkg17a2ey0w5' },
      body: JSON.stringify({ query: '{ me { scopes } }' }),
    });
    await answer.text();
    exitCode = await server.stop();
  }, 240_000);
  afterAll(() => server.stop());

  it('writes only JSON lines to stdout, from start to shutdown', () => {
    const entries = jsonLines(server.stdout);
    const messages = entries.map((entry) => entry.msg);
    expect(messages).toContain('database ready');
    expect(messages).toContain('listening');
    expect(messages).toContain('request');
    expect(messages).toContain('stopped');
    expect(exitCode).toBe(0);
    for (const entry of entries) expect(entry.service).toBe('clinicgraph');
  });

  it('prints no demo banner: no demo key, admin password or OAuth secret anywhere', () => {
    expect(server.output).not.toContain(demoSecret);
    expect(server.output).not.toMatch(/password:|client_secret/);
  });

  it('reports its keep-alive and headers timeouts (65 s and 66 s by default, for load balancers with 60 s idle timeouts)', () => {
    const listening = jsonLines(server.stdout).find((entry) => entry.msg === 'listening');
    expect(listening).toMatchObject({ keepAliveTimeoutMs: 65_000, headersTimeoutMs: 66_000, requestTimeoutMs: 66_000 });
  });
});

describe('settings a server cannot run with', () => {
  for (const [name, env, expected] of [
    ['production without WEBHOOK_SECRET_KEY', { NODE_ENV: 'production' }, /^clinicgraph cannot start: WEBHOOK_SECRET_KEY is not set/],
    ['a keep-alive timeout that is not a number', { KEEP_ALIVE_TIMEOUT_MS: 'soon' }, /^clinicgraph cannot start: KEEP_ALIVE_TIMEOUT_MS must be a positive integer; got "soon"\./],
    ['one statement neither on nor off', { GRAPHQL_ONE_STATEMENT: 'yes' }, /^clinicgraph cannot start: GRAPHQL_ONE_STATEMENT must be on or off; got "yes"\./],
  ] as const) {
    it(`${name}: exits 1 with one line naming the setting, before opening the database`, async () => {
      const server = new ServerProcess(env);
      await expect(server.start()).rejects.toThrow(/exited \(1\) before listening/);
      expect(server.stderr.trim()).toMatch(expected);
      expect(server.stderr.trim().split('\n')).toHaveLength(1);
      expect(server.stdout).not.toContain('database ready');
      await server.stop();
    }, 120_000);
  }
});
