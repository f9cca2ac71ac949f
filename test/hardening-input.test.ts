import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { createApp } from '../src/yoga.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: Record<string, any> } | null;
  text: string;
}

const publicCodes = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'INTERNAL_SERVER_ERROR'];

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${demoSecret}`);
  if (!headers.has('x-organization-id')) headers.set('x-organization-id', server.clinics[0]!.id);
  const response = await server.app.yoga.fetch(`http://yoga${path}`, { ...init, headers });
  const text = await response.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, body, text };
}

const postRaw = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  send('/graphql', { method: 'POST', body, headers });
const post = (payload: unknown, headers?: Record<string, string>) => postRaw(JSON.stringify(payload), headers);

const normalQuery = '{ patients(first: 2) { totalCount nodes { id lastName } } }';

async function expectServerStillAnswers() {
  const answer = await post({ query: normalQuery });
  expect(answer.status).toBe(200);
  expect(answer.body?.errors).toBeUndefined();
  expect((answer.body?.data?.patients as { nodes: unknown[] }).nodes).toHaveLength(2);
}

/** Patients → appointments → patient, `levels` times: depth 3 + 3 × levels. */
const nested = (levels: number) =>
  `{ patients(first: 1) { nodes { ${'appointments(first: 1) { nodes { patient { '.repeat(levels)}id${' } } }'.repeat(levels)} } } }`;

describe('hostile input: 4xx or GraphQL errors, never a 5xx, and the server answers after each', () => {
  const corpus: [string, () => Promise<Answer>][] = [
    ['malformed JSON', () => postRaw('{"query": "{ me { scopes } }"')],
    ['an empty body', () => postRaw('')],
    ['JSON that is not an object', () => postRaw('"{ me { scopes } }"')],
    ['a wrong content type', () => postRaw('{ me { scopes } }', { 'content-type': 'text/plain' })],
    ['an XML body', () => postRaw('<query>me</query>', { 'content-type': 'application/xml' })],
    ['a GET with a mutation', () => send(`/graphql?query=${encodeURIComponent('mutation { __typename }')}`)],
    ['a GET with a subscription', () => send(`/graphql?query=${encodeURIComponent('subscription { __typename }')}`)],
    ['a PUT', () => send('/graphql', { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } })],
    ['nesting 1,000 deep', () => post({ query: `{${'a {'.repeat(1000)} b ${'}'.repeat(1000)}}` })],
    ['real fields nested 1,000 deep', () => post({ query: `{ me { ${'app { '.repeat(1000)}slug${' }'.repeat(1000)} } }` })],
    ['1,000 aliases', () => post({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }` })],
    ['1,000 aliased root fields', () => post({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: me { scopes }`).join(' ')} }` })],
    ['1,000 directives', () => post({ query: `{ me ${'@include(if: true) '.repeat(1000)}{ scopes } }` })],
    ['a fragment cycle', () => post({ query: '{ me { ...A } } fragment A on Me { ...B } fragment B on Me { ...A }' })],
    ['a huge string argument', () => post({ query: `{ patients(search: "${'x'.repeat(90_000)}") { totalCount } }` })],
    ['a body over the size limit', () => post({ query: `{ patients(search: "${'x'.repeat(200_000)}") { totalCount } }` })],
    ['a huge variable', () => post({ query: 'query ($s: String) { patients(search: $s) { totalCount } }', variables: { s: 'y'.repeat(60_000) } })],
    ['a 5,000-character id', () => post({ query: `{ patient(id: "${'p'.repeat(5000)}") { id } }` })],
    ['invalid ids', () => post({ query: '{ patient(id: "nope") { id } appointment(id: "pat_00000000000000000000") { id } }' })],
    ['a garbage node id', () => post({ query: '{ node(id: "\'; DROP TABLE \\"Patient\\"; --") { id } }' })],
    ['150 ids in nodes', () => post({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: Array.from({ length: 150 }, () => 'pat_00000000000000000000') } })],
    ['a variable of the wrong type', () => post({ query: 'query ($n: Int) { patients(first: $n) { totalCount } }', variables: { n: 'ten' } })],
    ['an object where a list is expected', () => post({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: { a: 1 } } })],
    ['variables that are not an object', () => postRaw('{"query": "{ me { scopes } }", "variables": [1, 2]}')],
    ['a negative first', () => post({ query: '{ patients(first: -5) { totalCount } }' })],
    ['first beyond 32 bits', () => post({ query: '{ patients(first: 99999999999) { totalCount } }' })],
    ['a forged cursor', () => post({ query: '{ patients(first: 1, after: "eyJvIjoieCIsImlkIjoxfQ") { totalCount } }' })],
    ['a batched array', () => post([{ query: '{ me { scopes } }' }, { query: '{ me { scopes } }' }])],
    ['an unknown operation name', () => post({ query: 'query A { me { scopes } }', operationName: 'Nope' })],
    ['two operations and no name', () => post({ query: 'query A { me { scopes } } query B { me { scopes } }' })],
    ['a query that is a number', () => post({ query: 42 })],
    ['no query at all', () => post({ variables: {} })],
    ['unknown fields', () => post({ query: '{ patients { nodes { ssn } } }' })],
    ['a huge Authorization header', () => send('/graphql', { method: 'POST', body: JSON.stringify({ query: normalQuery }), headers: { 'content-type': 'application/json', authorization: `Bearer ${'k'.repeat(10_000)}` } })],
    ['a garbage organization id', () => send('/graphql', { method: 'POST', body: JSON.stringify({ query: normalQuery }), headers: { 'content-type': 'application/json', 'x-organization-id': `' OR 1=1 --${'x'.repeat(5000)}` } })],
  ];

  for (const [name, request] of corpus) {
    it(name, async () => {
      const answer = await request();
      expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
      if (answer.status < 400) expect(answer.body?.errors?.length, answer.text.slice(0, 300)).toBeGreaterThan(0);
      for (const error of answer.body?.errors ?? []) {
        expect(publicCodes, error.message).toContain(error.extensions?.code);
        expect(error.extensions?.traceId).toBeTruthy();
      }
      expect(answer.text).not.toMatch(/\bat [^"]+\.(ts|js):\d+|prisma|pglite|SyntaxError|TypeError/i);
      expect(answer.text).not.toMatch(/SELECT |FROM "/);
      await expectServerStillAnswers();
    });
  }
});

describe('query limits (graphql-armor and @pothos/plugin-complexity), before execution', () => {
  function limitOf(answer: Answer) {
    expect(answer.status).toBeLessThan(500);
    expect(answer.body?.data ?? undefined).toBeUndefined();
    const error = answer.body?.errors?.find((e) => e.extensions?.limit);
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    return { message: error?.message ?? '', limit: error?.extensions?.limit as { name: string; max: number; actual?: number } };
  }

  it('depth: names the limit and the depth found', async () => {
    expect((await post({ query: nested(2) })).body?.errors).toBeUndefined();
    const { message, limit } = limitOf(await post({ query: nested(3) }));
    expect(limit).toMatchObject({ name: 'depth', max: 10 });
    expect(message).toMatch(/depth limit of 10 exceeded, found 12/);
  });

  it('aliases', async () => {
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { message, limit } = limitOf(await post({ query }));
    expect(limit).toMatchObject({ name: 'aliases', max: 30 });
    expect(message).toContain('found 31');
    expect((await post({ query: `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __typename`).join(' ')} }` })).body?.errors).toBeUndefined();
  });

  it('tokens', async () => {
    const { message, limit } = limitOf(await post({ query: `{ me { ${'scopes '.repeat(6000)}} }` }));
    expect(limit).toMatchObject({ name: 'tokens', max: 5000 });
    expect(message).toContain('5000 tokens');
  });

  it('cost grows with first, literal or variable, and is refused over the limit', async () => {
    const query = 'query ($outer: Int, $inner: Int) { patients(first: $outer) { nodes { appointments(first: $inner) { nodes { id provider { id } } } } } }';
    const small = await post({ query, variables: { outer: 10, inner: 5 } });
    expect(small.body?.errors).toBeUndefined();
    // patients 1 + 10 × (nodes 1 + appointments 1 + 5 × (nodes 1 + provider 1))
    expect(small.body?.extensions?.cost).toEqual({ requested: 1 + 10 * (1 + 1 + 5 * 2), limit: 5000 });

    const statements: string[] = [];
    const stop = server.db.onStatement((sql) => statements.push(sql));
    const large = await post({ query, variables: { outer: 100, inner: 100 } });
    stop();
    const { message, limit } = limitOf(large);
    expect(limit).toEqual({ name: 'cost', max: 5000, actual: 1 + 100 * (1 + 1 + 100 * 2) });
    expect(message).toContain('Query cost 20201 exceeds the limit of 5000');
    expect(large.body?.extensions?.cost).toEqual({ requested: 20201, limit: 5000 });
    // Nothing ran but the authentication.
    expect(statements.filter((sql) => !sql.includes('"ApiKey"') && !sql.includes('"PhiAccess"'))).toEqual([]);
  });

  it('cost counts the default page size when first is omitted, and ids for nodes', async () => {
    const answer = await post({ query: '{ patients { nodes { id } } }' });
    expect(answer.body?.extensions?.cost.requested).toBe(1 + 20 * 1);
    const ids = (await server.db.prisma.patient.findMany({ where: { organizationId: server.clinics[0]!.id }, take: 3, select: { id: true } })).map((p) => p.id);
    const nodes = await post({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } });
    expect(nodes.body?.extensions?.cost.requested).toBe(1 + 3 * 0);
  });

  it('one document costs what its page-size variables say on every request, a default and null included', async () => {
    const query = 'query ($size: Int = 5, $search: String) { patients(first: $size, search: $search) { nodes { id } } }';
    const costOf = async (variables: Record<string, unknown>) => (await post({ query, variables })).body?.extensions?.cost.requested;
    for (let round = 0; round < 2; round++) {
      expect(await costOf({ size: 3 })).toBe(1 + 3);
      expect(await costOf({ size: 7, search: 'a' })).toBe(1 + 7);
      expect(await costOf({ search: 'b' })).toBe(1 + 5);
      // null is no page size: the default page of the list, not the variable's default.
      expect(await costOf({ size: null })).toBe(1 + 20);
    }
  });

  it('is returned in extensions.cost of every executed operation', async () => {
    const answer = await post({ query: '{ me { app { slug } } }' });
    expect(answer.body?.extensions?.cost).toEqual({ requested: 2, limit: 5000 });
  });

  it('limits are configurable', async () => {
    const strict = createApp({ db: server.db, hardening: { limits: { depth: 2, cost: 10 } } });
    try {
      const fetchJson = async (query: string) => {
        const response = await strict.yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
          body: JSON.stringify({ query }),
        });
        return (await response.json()) as Answer['body'];
      };
      expect((await fetchJson('{ me { app { slug } } }'))?.errors?.[0]?.extensions?.limit).toMatchObject({ name: 'depth', max: 2 });
      // The page size multiplies everything the connection selects, totalCount included.
      expect((await fetchJson('{ patients(first: 20) { totalCount } }'))?.errors?.[0]?.extensions?.limit).toMatchObject({ name: 'cost', max: 10, actual: 21 });
    } finally {
      await strict.close();
    }
  });
});

describe('input bounds', () => {
  it('a body over 100 kB gets 413 with a message that says what to do', async () => {
    const answer = await post({ query: `{ patients(search: "${'x'.repeat(200_000)}") { totalCount } }` });
    expect(answer.status).toBe(413);
    expect(answer.body?.errors?.[0]?.message).toContain('larger than 100000 bytes');
    expect(answer.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a body of unknown length (chunked) is counted as it arrives: over 100 kB, 413 as well', async () => {
    const text = JSON.stringify({ query: `{ patients(search: "${'x'.repeat(200_000)}") { totalCount } }` });
    const chunks = [text.slice(0, 60_000), text.slice(60_000)].map((part) => new TextEncoder().encode(part));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const answer = await send('/graphql', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(answer.status).toBe(413);
    expect(answer.body?.errors?.[0]?.message).toContain('larger than 100000 bytes');
  });

  it('a body of unknown length within the limit is answered', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ query: normalQuery }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const answer = await send('/graphql', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(answer.status).toBe(200);
    expect(answer.body?.errors).toBeUndefined();
  });

  it('a malformed Content-Length is refused before the body is read', async () => {
    const answer = await postRaw(JSON.stringify({ query: '{ me { scopes } }' }), { 'content-type': 'application/json', 'content-length': '10, 10' });
    expect(answer.status).toBe(400);
  });

  it('variables over 50 kB are refused, naming the limit', async () => {
    const answer = await post({ query: 'query ($s: String) { patients(search: $s) { totalCount } }', variables: { s: 'y'.repeat(60_000) } });
    expect(answer.body?.errors?.[0]?.extensions?.limit).toEqual({ name: 'variablesBytes', max: 50_000, actual: 60_008 });
  });

  it('a GET query over 50,000 characters is refused (a GET has no body to limit)', async () => {
    const answer = await send(`/graphql?query=${encodeURIComponent(`{ patients(search: "${'x'.repeat(60_000)}") { totalCount } }`)}`);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body?.errors?.[0]?.extensions?.limit).toMatchObject({ name: 'queryLength', max: 50_000 });
  });

  it('list arguments take at most 100 items, whatever the field', async () => {
    const ids = (await server.db.prisma.patient.findMany({ where: { organizationId: server.clinics[0]!.id }, take: 101, select: { id: true } })).map((p) => p.id);
    const answer = await post({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } });
    expect(answer.body?.errors?.[0]?.message).toContain('at most 100 items; got 101');
    expect(answer.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('string arguments take at most 1,000 characters; search at most 100', async () => {
    const long = await post({ query: `{ patient(id: "${'p'.repeat(1001)}") { id } }` });
    expect(long.body?.errors?.[0]?.message).toContain('"id" of patient takes at most 1000 characters; got 1001');
    const search = await post({ query: `{ patients(search: "${'x'.repeat(101)}") { totalCount } }` });
    expect(search.body?.errors?.[0]?.message).toContain('"search" of patients takes at most 100 characters; got 101.');
  });
});

describe('errors', () => {
  it('no field suggestions outside development, in validation or in variable coercion', async () => {
    const field = await post({ query: '{ patiens { totalCount } }' });
    expect(field.body?.errors?.[0]?.message).toBe('Cannot query field "patiens" on type "Query".');
    const enumValue = await post({
      query: 'query ($s: [AppointmentStatus!]) { appointments(statuses: $s) { totalCount } }',
      variables: { s: ['COMPLETE'] },
    });
    expect(enumValue.body?.errors?.[0]?.message).toContain('does not exist in "AppointmentStatus" enum');
    expect(enumValue.text).not.toContain('Did you mean');
  });

  it('every error carries one of the documented codes', async () => {
    const answers = await Promise.all([
      post({ query: '{ me { ' }),
      post({ query: '{ nope }' }),
      post({ query: 'query ($n: Int!) { patients(first: $n) { totalCount } }' }),
      post({ query: '{ patient(id: "nope") { id } }' }),
      send('/graphql', { method: 'POST', body: JSON.stringify({ query: normalQuery }), headers: { 'content-type': 'application/json', authorization: 'Bearer nope' } }),
    ]);
    const codes = answers.flatMap((a) => (a.body?.errors ?? []).map((e) => e.extensions?.code));
    expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'UNAUTHENTICATED']);
  });

  it('unexpected failures are masked: no message, stack, SQL or internal name', async () => {
    const failing = createApp({ db: { ...server.db, reader: () => brokenClient(server) } as typeof server.db });
    try {
      const response = await failing.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
        body: JSON.stringify({ query: normalQuery }),
      });
      const text = await response.text();
      expect(response.status).toBeLessThan(500);
      const body = JSON.parse(text) as Answer['body'];
      expect(body?.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(text).not.toMatch(/relation|SELECT|stack|TypeError|secret_table/i);
    } finally {
      await failing.close();
    }
  });
});

/** A client whose every query fails the way a bug would: with SQL and an internal table name in the message. */
function brokenClient(target: TestServer) {
  return new Proxy(target.db.prisma, {
    get(client, property, receiver) {
      if (property === '$queryRaw') {
        return () => Promise.reject(new TypeError('relation "secret_table" does not exist: SELECT * FROM secret_table'));
      }
      return Reflect.get(client, property, receiver);
    },
  });
}
