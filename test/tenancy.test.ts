import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let own: SampleIds;
let other: SampleIds;
beforeAll(async () => {
  server = await startTestServer();
  own = await sampleIds(server.db.prisma, server.clinics[0]!.id);
  other = await sampleIds(server.db.prisma, server.clinics[1]!.id);
});
afterAll(() => server.close());

const byIdFields: [string, keyof SampleIds][] = [
  ['patient', 'patient'],
  ['appointment', 'appointment'],
  ['provider', 'provider'],
  ['facility', 'facility'],
  ['bill', 'bill'],
  ['claim', 'claim'],
  ['inventoryChange', 'change'],
  ['product', 'product'],
];

const nodeKinds: (keyof SampleIds)[] = [
  'patient', 'appointment', 'provider', 'facility', 'bill', 'codingGroup', 'diagnosis', 'lineItem', 'modifier',
  'claim', 'insurance', 'product', 'change', 'item', 'stockLevel',
];

describe('tenancy: the other clinic\'s records are indistinguishable from records that do not exist', () => {
  it('by-id root fields return null, selecting only __typename', async () => {
    for (const [field, kind] of byIdFields) {
      const ownResponse = await server.gql(`{ ${field}(id: "${own[kind]}") { __typename } }`);
      expect(ownResponse.data?.[field], field).not.toBeNull();
      const response = await server.gql(`{ ${field}(id: "${other[kind]}") { __typename } }`);
      expect(response, field).toMatchObject({ status: 200, data: { [field]: null } });
      expect(response.errors, field).toBeUndefined();
    }
  });

  it('node and nodes return null for every type of entity', async () => {
    for (const kind of nodeKinds) {
      const mine = await server.gql(`{ node(id: "${own[kind]}") { __typename id } }`);
      expect(mine.data?.node?.id, kind).toBe(own[kind]);
      const theirs = await server.gql(`{ node(id: "${other[kind]}") { __typename } }`);
      expect(theirs.data?.node, kind).toBeNull();
      expect(theirs.errors, kind).toBeUndefined();
    }
    const ids = nodeKinds.map((kind) => other[kind]);
    const response = await server.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', { ids });
    expect(response.data?.nodes).toEqual(ids.map(() => null));
  });

  it('filters by the other clinic\'s ids give empty lists', async () => {
    const queries = [
      `{ appointments(first: 5, patientId: "${other.patient}") { totalCount nodes { __typename } } }`,
      `{ appointments(first: 5, facilityId: "${other.facility}") { totalCount nodes { __typename } } }`,
      `{ appointments(first: 5, providerId: "${other.provider}") { totalCount nodes { __typename } } }`,
      `{ bills(first: 5, patientId: "${other.patient}") { totalCount nodes { __typename } } }`,
      `{ claims(first: 5, billId: "${other.bill}") { totalCount nodes { __typename } } }`,
      `{ inventoryChanges(first: 5, facilityId: "${other.facility}") { totalCount nodes { __typename } } }`,
      `{ stockLevels(first: 5, facilityId: "${other.facility}") { totalCount nodes { __typename } } }`,
    ];
    for (const query of queries) {
      const response = await server.gql(query);
      expect(response.errors, query).toBeUndefined();
      const list = Object.values(response.data!)[0] as { totalCount: number; nodes: unknown[] };
      expect(list, query).toEqual({ totalCount: 0, nodes: [] });
    }
  });

  it('root lists hold only the caller\'s clinic, and a cursor from the other clinic positions nothing', async () => {
    const response = await server.gql('{ patients(first: 100) { totalCount nodes { id } } }');
    const ownIds = new Set(
      (await server.db.prisma.patient.findMany({ where: { organizationId: own.organization }, select: { id: true } })).map((p) => p.id),
    );
    expect(response.data?.patients.totalCount).toBe(ownIds.size);
    for (const node of response.data?.patients.nodes) expect(ownIds.has(node.id)).toBe(true);

    const theirPage = await server.gql('{ patients(first: 3) { pageInfo { endCursor } } }', {}, { org: other.organization });
    const cursor = theirPage.data?.patients.pageInfo.endCursor;
    const withTheirCursor = await server.gql('query ($after: String) { patients(first: 3, after: $after) { nodes { id } } }', { after: cursor });
    expect(withTheirCursor.data?.patients.nodes).toEqual([]);
  });

  it('nested paths from the caller\'s records never reach the other clinic', async () => {
    const response = await server.gql(
      `{ patients(first: 40) { nodes { appointments(first: 20) { nodes { patient { id } facility { id } provider { id } } } bills(first: 5) { nodes { facility { id } } } } } }`,
    );
    const text = JSON.stringify(response.data);
    for (const kind of ['patient', 'facility', 'provider'] as const) expect(text).not.toContain(other[kind]);
    expect(response.errors).toBeUndefined();
  });

  it('the same key reads the other clinic only when that clinic names itself, and then only its data', async () => {
    const response = await server.gql(`{ patient(id: "${other.patient}") { id } }`, {}, { org: other.organization });
    expect(response.data?.patient?.id).toBe(other.patient);
    const back = await server.gql(`{ patient(id: "${own.patient}") { id } }`, {}, { org: other.organization });
    expect(back.data?.patient).toBeNull();
  });
});
