import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('text PostgreSQL cannot hold: BAD_USER_INPUT naming the argument, never an internal error', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['NUL in patients(search)', 'query ($v: String) { patients(search: $v) { totalCount } }', { v: 'a\u0000b' }, 'search'],
    ['NUL in providers(role)', 'query ($v: String) { providers(role: $v) { totalCount } }', { v: '\u0000' }, 'role'],
    ['NUL in products(search)', 'query ($v: String) { products(search: $v) { totalCount } }', { v: 'x\u0000' }, 'search'],
    ['NUL in a nested argument', 'query ($v: String) { facilities(first: 1) { nodes { id } } patients(first: 1) { nodes { appointments(after: $v) { totalCount } } } }', { v: '\u0000' }, 'after'],
    ['an unpaired surrogate in facilities(search)', 'query ($v: String) { facilities(search: $v) { totalCount } }', { v: 'ab\ud800' }, 'search'],
    ['an unpaired low surrogate in providers(search)', 'query ($v: String) { providers(search: $v) { totalCount } }', { v: '\udc00x' }, 'search'],
    [
      "the probe's cursor whose id is NUL",
      '{ patients(first: 1, after: "eyJvIjoibGFzdE5hbWUrLGZpcnN0TmFtZSssaWQrIiwiaWQiOiJcdTAwMDAifQ") { totalCount } }',
      {},
      'after',
    ],
    ['a cursor naming another type', `query ($v: String) { patients(first: 1, after: $v) { totalCount } }`, { v: cursorOf({ o: 'lastName+,firstName+,id+', id: 'prv_00000000000000000000' }) }, 'after'],
  ];
  for (const [name, query, variables, argument] of cases) {
    it(name, async () => {
      const answer = await server.gql(query, variables);
      expect(answer.status).toBeLessThan(500);
      const error = answer.errors?.[0];
      expect(error?.extensions?.code, JSON.stringify(answer.errors)).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.argument).toBe(argument);
      expect(error?.message).toContain(`"${argument}"`);
    });
  }

  it('a surrogate pair (an emoji) is ordinary text', async () => {
    const answer = await server.gql('query ($v: String) { patients(search: $v) { totalCount } }', { v: 'Smith 😀' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.patients.totalCount).toBe(0);
  });
});
