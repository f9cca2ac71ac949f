import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDirective } from '@graphql-tools/utils';
import { schema, requiresScopesDirective } from '../src/schema/index.js';
import { scopeOfType, scopeTable, type GuardedTypeName, type Scope } from '../src/scopes.js';
import { startTestServer, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let ids: SampleIds;
beforeAll(async () => {
  server = await startTestServer();
  ids = await sampleIds(server.db.prisma, server.clinics[0]!.id);
});
afterAll(() => server.close());

/** A query per guarded root field; the test below fails if the schema grows one without a probe here. */
const rootProbes: Record<string, (ids: SampleIds) => string> = {
  me: () => '{ me { app { slug } } }',
  patients: () => '{ patients(first: 2) { totalCount nodes { id } } }',
  patient: (i) => `{ patient(id: "${i.patient}") { id } }`,
  appointments: () => '{ appointments(first: 2) { nodes { id } } }',
  appointment: (i) => `{ appointment(id: "${i.appointment}") { id } }`,
  providers: () => '{ providers(first: 2) { nodes { id } } }',
  provider: (i) => `{ provider(id: "${i.provider}") { id } }`,
  facilities: () => '{ facilities(first: 2) { nodes { id } } }',
  facility: (i) => `{ facility(id: "${i.facility}") { id } }`,
  bills: () => '{ bills(first: 2) { nodes { id } } }',
  bill: (i) => `{ bill(id: "${i.bill}") { id } }`,
  claims: () => '{ claims(first: 2) { nodes { id } } }',
  claim: (i) => `{ claim(id: "${i.claim}") { id } }`,
  inventoryChanges: (i) => `{ inventoryChanges(facilityId: "${i.facility}", first: 2) { nodes { id } } }`,
  inventoryChange: (i) => `{ inventoryChange(id: "${i.change}") { id } }`,
  stockLevels: (i) => `{ stockLevels(facilityId: "${i.facility}", first: 2) { nodes { id } } }`,
  products: () => '{ products(first: 2) { nodes { id } } }',
  product: (i) => `{ product(id: "${i.product}") { id } }`,
};

/**
 * Nested paths where one type reaches another: `outer` is the type the root field returns, `inner`
 * the type at the end of the path, whose scope the path must demand.
 */
const nestedProbes: { name: string; outer: GuardedTypeName; inner: GuardedTypeName; query: (ids: SampleIds) => string; path: string[] }[] = [
  { name: 'appointment → patient', outer: 'Appointment', inner: 'Patient', query: (i) => `{ appointment(id: "${i.appointment}") { patient { id } } }`, path: ['appointment', 'patient'] },
  { name: 'appointment → provider', outer: 'Appointment', inner: 'Provider', query: (i) => `{ appointment(id: "${i.appointment}") { provider { id } } }`, path: ['appointment', 'provider'] },
  { name: 'appointment → facility', outer: 'Appointment', inner: 'Facility', query: (i) => `{ appointment(id: "${i.appointment}") { facility { id } } }`, path: ['appointment', 'facility'] },
  { name: 'patient → appointments', outer: 'Patient', inner: 'Appointment', query: (i) => `{ patient(id: "${i.patient}") { appointments(first: 2) { nodes { id } } } }`, path: ['patient', 'appointments'] },
  { name: 'patient → bills', outer: 'Patient', inner: 'Bill', query: (i) => `{ patient(id: "${i.patient}") { bills(first: 2) { nodes { id } } } }`, path: ['patient', 'bills'] },
  { name: 'patient → claims', outer: 'Patient', inner: 'Claim', query: (i) => `{ patient(id: "${i.patient}") { claims(first: 2) { nodes { id } } } }`, path: ['patient', 'claims'] },
  { name: 'provider → appointments', outer: 'Provider', inner: 'Appointment', query: (i) => `{ provider(id: "${i.provider}") { appointments(first: 2) { nodes { id } } } }`, path: ['provider', 'appointments'] },
  { name: 'facility → appointments', outer: 'Facility', inner: 'Appointment', query: (i) => `{ facility(id: "${i.facility}") { appointments(first: 2) { nodes { id } } } }`, path: ['facility', 'appointments'] },
  { name: 'bill → patient', outer: 'Bill', inner: 'Patient', query: (i) => `{ bill(id: "${i.bill}") { patient { id } } }`, path: ['bill', 'patient'] },
  { name: 'bill → primaryProvider', outer: 'Bill', inner: 'Provider', query: (i) => `{ bill(id: "${i.bill}") { primaryProvider { id } } }`, path: ['bill', 'primaryProvider'] },
  { name: 'bill → billUnderProvider', outer: 'Bill', inner: 'Provider', query: (i) => `{ bill(id: "${i.bill}") { billUnderProvider { id } } }`, path: ['bill', 'billUnderProvider'] },
  { name: 'bill → facility', outer: 'Bill', inner: 'Facility', query: (i) => `{ bill(id: "${i.bill}") { facility { id } } }`, path: ['bill', 'facility'] },
  { name: 'bill → claims', outer: 'Bill', inner: 'Claim', query: (i) => `{ bill(id: "${i.bill}") { claims { id } } }`, path: ['bill', 'claims'] },
  { name: 'claim → bill', outer: 'Claim', inner: 'Bill', query: (i) => `{ claim(id: "${i.claim}") { bill { id } } }`, path: ['claim', 'bill'] },
  { name: 'claim → patient', outer: 'Claim', inner: 'Patient', query: (i) => `{ claim(id: "${i.claim}") { patient { id } } }`, path: ['claim', 'patient'] },
  { name: 'claim → facility', outer: 'Claim', inner: 'Facility', query: (i) => `{ claim(id: "${i.claim}") { facility { id } } }`, path: ['claim', 'facility'] },
  { name: 'claim → renderingProvider', outer: 'Claim', inner: 'Provider', query: (i) => `{ claim(id: "${i.claim}") { renderingProvider { id } } }`, path: ['claim', 'renderingProvider'] },
  { name: 'inventoryChange → facility', outer: 'InventoryChange', inner: 'Facility', query: (i) => `{ inventoryChange(id: "${i.change}") { facility { id } } }`, path: ['inventoryChange', 'facility'] },
  { name: 'inventoryChange → items → product', outer: 'InventoryChange', inner: 'Product', query: (i) => `{ inventoryChange(id: "${i.change}") { items(first: 1) { nodes { product { id } } } } }`, path: ['inventoryChange', 'items', 'nodes', '0', 'product'] },
  { name: 'stockLevel → product', outer: 'StockLevel', inner: 'Product', query: (i) => `{ stockLevels(facilityId: "${i.facility}", first: 1) { nodes { product { id } } } }`, path: ['stockLevels', 'nodes', '0', 'product'] },
  { name: 'product → stockLevels', outer: 'Product', inner: 'StockLevel', query: (i) => `{ product(id: "${i.product}") { stockLevels { quantity } } }`, path: ['product', 'stockLevels'] },
];

function at(data: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], data);
}

describe('scope matrix', () => {
  it('has a probe for every guarded root field, and each root field names its scope from the table', () => {
    const fields = schema.getQueryType()!.getFields();
    const guarded = Object.values(fields).filter((field) => getDirective(schema, field, requiresScopesDirective.name));
    expect(guarded.map((f) => f.name).sort()).toEqual(Object.keys(rootProbes).sort());
    for (const field of guarded) {
      const [directive] = getDirective(schema, field, requiresScopesDirective.name)!;
      expect(field.description).toContain(`Requires scope \`${directive!.scopes[0]}\`.`);
    }
  });

  for (const { id: scope } of scopeTable) {
    it(`a key holding only ${scope} reads its root fields and is denied the others, naming their scope`, async () => {
      const key = await server.keyWith({ keyScopes: [scope] });
      const fields = schema.getQueryType()!.getFields();
      for (const [fieldName, probe] of Object.entries(rootProbes)) {
        const [directive] = getDirective(schema, fields[fieldName]!, requiresScopesDirective.name)!;
        const required = directive!.scopes[0] as Scope;
        const response = await server.gql(probe(ids), {}, { key });
        expect(response.status, fieldName).toBe(200);
        if (required === scope) {
          expect(response.errors, fieldName).toBeUndefined();
          expect(response.data?.[fieldName], fieldName).not.toBeNull();
        } else {
          expect(response.data?.[fieldName], fieldName).toBeNull();
          expect(response.errors?.map((e) => e.message), fieldName).toEqual([`Insufficient scope. Required: ${required}`]);
          expect(response.errors?.[0]?.extensions?.requiredScopes).toEqual([required]);
        }
      }
    });
  }

  for (const probe of nestedProbes) {
    it(`${probe.name} needs ${scopeOfType[probe.inner]} on top of ${scopeOfType[probe.outer]}`, async () => {
      const outerOnly = await server.keyWith({ keyScopes: [scopeOfType[probe.outer]] });
      const denied = await server.gql(probe.query(ids), {}, { key: outerOnly });
      expect(at(denied.data, probe.path.slice(0, 1))).not.toBeNull();
      expect(at(denied.data, probe.path)).toBeNull();
      expect(denied.errors?.map((e) => e.message)).toContain(`Insufficient scope. Required: ${scopeOfType[probe.inner]}`);

      const both = await server.keyWith({ keyScopes: [scopeOfType[probe.outer], scopeOfType[probe.inner]] });
      const allowed = await server.gql(probe.query(ids), {}, { key: both });
      expect(allowed.errors).toBeUndefined();
      expect(at(allowed.data, probe.path)).not.toBeNull();
    });
  }

  it('parts of a resource follow its scope: coding groups, line items, modifiers, diagnoses, insurance, items', async () => {
    const billsOnly = await server.keyWith({ keyScopes: [scopeOfType.Bill, scopeOfType.Claim, scopeOfType.InventoryChange] });
    const response = await server.gql(
      `{ bill(id: "${ids.bill}") { codingGroups { status diagnoses { code } lineItems { code charge modifiers { code } linkedDiagnoses { code } } } }
         claim(id: "${ids.claim}") { insurance { payerName isPrimary } }
         inventoryChange(id: "${ids.change}") { itemCount items(first: 3) { nodes { gtin parsedFields } } } }`,
      {},
      { key: billsOnly },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.bill.codingGroups.length).toBeGreaterThan(0);
    expect(response.data?.claim.insurance.length).toBeGreaterThan(0);
    expect(response.data?.inventoryChange.itemCount).toBeGreaterThan(0);
  });

  it('names every missing scope when one operation lacks several', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const response = await server.gql(
      `{ products(first: 1) { totalCount } patients(first: 1) { totalCount } bills(first: 1) { totalCount }
         claims(first: 1) { totalCount } appointments(first: 1) { totalCount } }`,
      {},
      { key },
    );
    expect(response.data?.products.totalCount).toBeGreaterThan(0);
    const named = new Set(response.errors?.flatMap((e) => e.extensions?.requiredScopes as string[]));
    expect([...named].sort()).toEqual([scopeOfType.Patient, scopeOfType.Bill, scopeOfType.Claim, scopeOfType.Appointment].sort());
  });

  it('guards node and nodes by the type of each id', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Patient] });
    const response = await server.gql(
      `{ node(id: "${ids.bill}") { id } nodes(ids: ["${ids.patient}", "${ids.claim}"]) { id } }`,
      {},
      { key },
    );
    expect(response.data?.node).toBeNull();
    expect(response.data?.nodes).toEqual([{ id: ids.patient }, null]);
    expect(response.errors?.map((e) => e.message).sort()).toEqual([
      `Insufficient scope. Required: ${scopeOfType.Bill}`,
      `Insufficient scope. Required: ${scopeOfType.Claim}`,
    ]);
  });
});
