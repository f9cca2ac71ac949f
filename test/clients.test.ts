import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, cacheExchange, fetchExchange, gql as urqlGql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOfType } from '../src/scopes.js';
import { startTestServer, type Caller, type TestServer } from './support/app.js';

/**
 * The clients app developers use, unchanged, against the server in process: their documents carry
 * `__typename` on every selection, their links speak the persisted-query protocol.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Sent {
  body: { query?: string; extensions?: { persistedQuery?: unknown } };
  status: number;
  response: { extensions?: { cost?: { requested: number } }; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** The server's fetch as a caller, recording each request body and its answer. */
function recordingFetch(caller: Caller = {}) {
  const sent: Sent[] = [];
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const search = new URL(url).searchParams;
    const body =
      init.method === 'GET'
        ? { query: search.get('query') ?? undefined, extensions: JSON.parse(search.get('extensions') ?? '{}') }
        : (JSON.parse(String(init.body)) as Sent['body']);
    const response = await server.fetchAs(caller)(input, init);
    sent.push({ body, status: response.status, response: await response.clone().json() });
    return response;
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

function apollo(options: { caller?: Caller; persisted?: boolean } = {}) {
  const recorder = recordingFetch(options.caller);
  const http = new HttpLink({ uri: 'http://yoga/graphql', fetch: recorder.fetch });
  const link = options.persisted ? new PersistedQueryLink({ sha256 }).concat(http) : http;
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), sent: recorder.sent };
}

function urql(options: { caller?: Caller; persisted?: boolean } = {}) {
  const recorder = recordingFetch(options.caller);
  const exchanges = options.persisted ? [cacheExchange, persistedExchange({ preferGetForPersistedQueries: false }), fetchExchange] : [cacheExchange, fetchExchange];
  return { client: new Client({ url: 'http://yoga/graphql', fetch: recorder.fetch, exchanges, requestPolicy: 'network-only' }), sent: recorder.sent };
}

interface PatientPage {
  patients: {
    nodes: { id: string; lastName: string }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}
interface PageVariables {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
}

const pageText = `query PatientPage($first: Int, $after: String, $last: Int, $before: String) {
  patients(first: $first, after: $after, last: $last, before: $before) {
    nodes { id lastName }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const apolloPage: TypedDocumentNode<PatientPage, PageVariables> = gql(pageText);
const urqlPage = urqlGql<PatientPage, PageVariables>(pageText);

/** Three pages forwards from the start, then the same three backwards from the last cursor. */
async function pagesBothWays(run: (variables: PageVariables) => Promise<PatientPage>) {
  const forward: string[][] = [];
  let after: string | null = null;
  let last!: PatientPage['patients']['pageInfo'];
  for (let i = 0; i < 3; i++) {
    const page: PatientPage = await run({ first: 4, after });
    forward.push(page.patients.nodes.map((node) => node.id));
    last = page.patients.pageInfo;
    after = last.endCursor;
  }
  expect(last.hasNextPage).toBe(true);
  // From the row after the third page, backwards: the same three pages.
  const backward: string[][] = [];
  let before: string | null = (await run({ first: 1, after: last.endCursor })).patients.pageInfo.endCursor;
  for (let i = 0; i < 3; i++) {
    const page: PatientPage = await run({ last: 4, before });
    backward.unshift(page.patients.nodes.map((node) => node.id));
    before = page.patients.pageInfo.startCursor;
  }
  return { forward, backward };
}

const readmeCostExample = `query ReadmeCost { patients(first: 100) { nodes { appointments(first: 20) { nodes { provider { id } } } } } }`;

describe('Apollo Client 4', () => {
  it('pages forwards and backwards over the same rows', async () => {
    const { client } = apollo();
    const { forward, backward } = await pagesBothWays(async (variables) => {
      const result = await client.query({ query: apolloPage, variables, fetchPolicy: 'network-only' });
      return result.data!;
    });
    expect(new Set(forward.flat()).size).toBe(12);
    expect(backward).toEqual(forward);
  });

  it("with errorPolicy 'all', a field denied by scope is null beside the rest of the data, with its FORBIDDEN error", async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Appointment] });
    const { client } = apollo({ caller: { key } });
    const result = await client.query({
      query: gql`query Schedule { appointments(first: 3) { nodes { id status patient { id lastName } } } }`,
      errorPolicy: 'all',
    });
    const nodes = (result.data as { appointments: { nodes: { id: string; patient: unknown }[] } }).appointments.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node.patient).toBeNull();
    const errors = (result.error as { errors?: { message: string; extensions?: { code?: string } }[] } | undefined)?.errors ?? [];
    expect(errors[0]).toMatchObject({ message: 'Insufficient scope. Required: read:patients', extensions: { code: 'FORBIDDEN' } });
  });

  it("the README's cost example, __typename added everywhere by Apollo, costs what the README says", async () => {
    const { client, sent } = apollo();
    const result = await client.query({ query: gql(readmeCostExample) });
    expect(result.error).toBeUndefined();
    expect(sent[0]!.body.query).toContain('__typename');
    expect(sent[0]!.response.extensions?.cost?.requested).toBe(4201);
  });

  it("PersistedQueryLink: a miss answers PersistedQueryNotFound, the link sends the query once, then the hash alone", async () => {
    const query = gql`query MeForApq { me { scopes } }`;
    const first = apollo({ persisted: true });
    expect((await first.client.query({ query })).data).toMatchObject({ me: { scopes: expect.any(Array) } });
    expect(first.sent.map((s) => [Boolean(s.body.query), s.response.errors?.[0]?.extensions?.code ?? null])).toEqual([
      [false, 'PERSISTED_QUERY_NOT_FOUND'],
      [true, null],
    ]);
    expect(first.sent[0]!.response.errors?.[0]?.message).toBe('PersistedQueryNotFound');

    // Another client, same query: the server knows the hash, nothing but the hash is sent.
    const second = apollo({ persisted: true });
    expect((await second.client.query({ query })).data).toMatchObject({ me: { scopes: expect.any(Array) } });
    expect(second.sent).toHaveLength(1);
    expect(second.sent[0]!.body.query).toBeUndefined();
    expect(second.sent[0]!.status).toBe(200);
  });
});

describe('urql', () => {
  it('pages forwards and backwards over the same rows', async () => {
    const { client } = urql();
    const { forward, backward } = await pagesBothWays(async (variables) => {
      const result = await client.query(urqlPage, variables).toPromise();
      expect(result.error).toBeUndefined();
      return result.data!;
    });
    expect(backward).toEqual(forward);
  });

  it('a field denied by scope is null, the rest of the data returns, and the error names the scope', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Bill] });
    const { client } = urql({ caller: { key } });
    const result = await client.query(urqlGql`query Billing { bills(first: 2) { nodes { billNumber patient { lastName } } } }`, {}).toPromise();
    const nodes = (result.data as { bills: { nodes: { billNumber: string; patient: unknown }[] } }).bills.nodes;
    expect(nodes.map((node) => node.patient)).toEqual([null, null]);
    expect(nodes.every((node) => node.billNumber)).toBe(true);
    expect(result.error?.graphQLErrors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("the README's cost example with urql's __typename costs 4,201", async () => {
    const { client, sent } = urql();
    const result = await client.query(urqlGql(readmeCostExample), {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(sent[0]!.body.query).toContain('__typename');
    expect(sent[0]!.response.extensions?.cost?.requested).toBe(4201);
  });

  it('persistedExchange: hash first, the query after a miss, the hash alone afterwards', async () => {
    const query = urqlGql`query FacilitiesForApq { facilities(first: 2) { nodes { name } } }`;
    const first = urql({ persisted: true });
    const answer = await first.client.query(query, {}).toPromise();
    expect(answer.error).toBeUndefined();
    expect(first.sent.map((s) => Boolean(s.body.query))).toEqual([false, true]);
    const second = urql({ persisted: true });
    expect((await second.client.query(query, {}).toPromise()).error).toBeUndefined();
    expect(second.sent.map((s) => Boolean(s.body.query))).toEqual([false]);
  });
});

describe('persisted queries on the server', () => {
  it('a hash that does not match its query is refused; an unauthenticated hash gets 401, not a lookup', async () => {
    const query = '{ me { scopes } }';
    const post = (body: unknown, caller: Caller = {}) =>
      server.fetchAs(caller)('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrong = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } });
    expect(((await wrong.json()) as Sent['response']).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
    const anonymous = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }, { key: null });
    expect(anonymous.status, await anonymous.clone().text()).toBe(401);
  });
});
