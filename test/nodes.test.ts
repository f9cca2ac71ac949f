import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicTables, type ClinicType } from '../src/resources.js';
import { scopeOfType } from '../src/scopes.js';
import { startTestServer, type TestServer } from './support/app.js';
import { firstIdOfEachResource } from './support/samples.js';

let server: TestServer;
let ids: Record<ClinicType, string>;
beforeAll(async () => {
  server = await startTestServer();
  ids = await firstIdOfEachResource(server.db.prisma, server.clinics[0]!.id);
});
afterAll(() => server.close());

describe('node and nodes', () => {
  it('refuse a patient to a key without read:patients (the reported leak), naming the scope, on every path to it', async () => {
    const key = await server.keyWith({ keyScopes: ['read:products', 'read:marketplace'] });
    const response = await server.gql(
      `{ node(id: "${ids.Patient}") { ... on Patient { firstName lastName dateOfBirth phone mrn } }
         nodes(ids: ["${ids.Patient}", "${ids.Product}"]) { id ... on Patient { firstName } } }`,
      {},
      { key },
    );
    expect(response.data).toEqual({ node: null, nodes: [null, { id: ids.Product }] });
    expect(response.errors?.map((e) => [e.path, e.message, e.extensions?.code])).toEqual([
      [['node'], 'Insufficient scope. Required: read:patients', 'FORBIDDEN'],
      [['nodes', 0], 'Insufficient scope. Required: read:patients', 'FORBIDDEN'],
    ]);
    expect(JSON.stringify(response)).not.toMatch(/firstName":"/);
  });

  for (const type of clinicTables) {
    it(`answers node then nodes, and nodes then node, of the same ${type} in one request`, async () => {
      for (const query of [
        `{ a: node(id: "${ids[type]}") { id } b: nodes(ids: ["${ids[type]}"]) { id } }`,
        `{ b: nodes(ids: ["${ids[type]}"]) { id } a: node(id: "${ids[type]}") { id } }`,
        `{ a: node(id: "${ids[type]}") { id __typename } b: node(id: "${ids[type]}") { ... on ${type} { id } } c: nodes(ids: ["${ids[type]}", "${ids[type]}"]) { __typename } }`,
      ]) {
        const response = await server.gql(query);
        expect(response.errors, query).toBeUndefined();
        expect(response.data?.a).toMatchObject({ id: ids[type] });
        expect(response.data?.b, query).toEqual(Array.isArray(response.data?.b) ? [{ id: ids[type] }] : { id: ids[type] });
      }
    });
  }

  it("refuses an id that names no clinic resource (an organization's) as BAD_USER_INPUT", async () => {
    const response = await server.gql(`{ node(id: "${server.clinics[0]!.id}") { id } }`);
    expect(response.data).toEqual({ node: null });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/not a node of the clinic graph/);
  });

  it('a denied type in nodes leaves the other entries, in order', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Bill] });
    const response = await server.gql(`{ nodes(ids: ["${ids.Bill}", "${ids.Claim}", "${ids.CodingGroup}"]) { id } }`, {}, { key });
    expect(response.data?.nodes).toEqual([{ id: ids.Bill }, null, { id: ids.CodingGroup }]);
    expect(response.errors?.map((e) => e.extensions?.requiredScopes)).toEqual([[scopeOfType.Claim]]);
  });
});
