import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const origin = 'https://app.example';
const fetchWith = (path: string, init: RequestInit) => server.app.yoga.fetch(`http://yoga${path}`, init);

describe('CORS: browsers may call the API from any origin, never with credentials', () => {
  it('answers a preflight for the API with the origin allowed and no credentials', async () => {
    const preflight = await fetchWith('/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-organization-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-organization-id');
    expect(preflight.headers.get('vary')).toContain('Origin');
  });

  it('exposes the rate-limit headers, Retry-After and X-Trace-Id to the page', async () => {
    const response = await fetchWith('/graphql', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
      body: JSON.stringify({ query: '{ me { scopes } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const exposed = response.headers.get('access-control-expose-headers')?.split(/,\s*/).map((name) => name.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'x-trace-id']));
    expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  });

  it('never allows credentials on any path, and gives pages outside the API no CORS at all', async () => {
    for (const path of ['/graphql', '/oauth/authorize', '/oauth/token', '/console', '/console/apps', '/health', '/ready', '/metrics', '/nope']) {
      for (const method of ['OPTIONS', 'GET', 'POST']) {
        const response = await fetchWith(path, {
          method,
          headers: { origin, cookie: 'session=abc', 'access-control-request-method': 'POST', 'content-type': 'application/json' },
          body: method === 'POST' ? '{}' : undefined,
        });
        await response.arrayBuffer();
        expect(response.headers.get('access-control-allow-credentials'), `${method} ${path}`).toBeNull();
        if (path !== '/graphql') expect(response.headers.get('access-control-allow-origin'), `${method} ${path}`).toBeNull();
      }
    }
  });
});
