import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { demoSecret } from '../src/auth/keys.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const url = 'http://yoga/graphql';

/** The audits send no credentials, and some call fetchFn(url) with no init at all. */
function authenticatedFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${demoSecret}`);
  headers.set('x-organization-id', server.clinics[0]!.id);
  return Promise.resolve(server.app.yoga.fetch(String(input), { ...init, headers }));
}

async function post(body: unknown, accept: string, headers: Record<string, string> = {}) {
  const response = await authenticatedFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown } };
}

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  for (const audit of serverAudits({ url, fetchFn: authenticatedFetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});

describe('status codes of application/graphql-response+json', () => {
  const graphqlResponse = 'application/graphql-response+json';

  it('200 for a successful query, with the media type asked for', async () => {
    const response = await post({ query: '{ me { scopes } }' }, graphqlResponse);
    expect(response.status).toBe(200);
    expect(response.type).toContain(graphqlResponse);
  });

  it.each([
    ['a parse error', { query: '{ me { ' }],
    ['a validation error', { query: '{ nope }' }],
    ['a variable of the wrong type', { query: 'query ($n: Int) { patients(first: $n) { totalCount } }', variables: { n: 'ten' } }],
    ['an unknown operation name', { query: 'query A { me { scopes } }', operationName: 'B' }],
  ])('400 for %s (the request was not executed), code BAD_USER_INPUT', async (_name, body) => {
    const response = await post(body, graphqlResponse);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('200 with data and errors for a field error (the request was executed)', async () => {
    const response = await post({ query: '{ patient(id: "nope") { id } me { scopes } }' }, graphqlResponse);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ patient: null });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('legacy application/json answers validation errors with 200, as the spec allows', async () => {
    const response = await post({ query: '{ nope }' }, 'application/json');
    expect(response.status).toBe(200);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('introspection', () => {
  const introspection = JSON.stringify({ query: '{ __schema { queryType { name } types { name } } }' });

  it('answers an authenticated key', async () => {
    const response = await post(JSON.parse(introspection), 'application/json');
    expect(response.status).toBe(200);
    expect(response.body.data).toBeDefined();
  });

  it('answers 401 without a key: no schema, not even through validation errors', async () => {
    for (const query of [introspection, JSON.stringify({ query: '{ patientz { id } }' })]) {
      const response = await server.app.yoga.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(body.errors[0]!.message).not.toContain('patientz');
    }
  });
});
