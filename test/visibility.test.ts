import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClientSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  parse,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { schema } from '../src/schema/index.js';
import { isIntrospectionOperation, schemaForScopes } from '../src/schema/visibility.js';
import { scopeOfType, scopeTable, type Scope } from '../src/scopes.js';
import { renderScopesDoc, scopesDocPath } from '../scripts/scopes-doc.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function introspect(key?: string) {
  const response = await server.gql<IntrospectionQuery>(getIntrospectionQuery(), {}, { key });
  expect(response.errors).toBeUndefined();
  return buildClientSchema(response.data!);
}

const printed = (built: Parameters<typeof lexicographicSortSchema>[0]) => printSchema(lexicographicSortSchema(built));

describe('schema per installation', () => {
  it('a read:products key sees no patient, appointment, bill or claim type, nor any field that reaches one', async () => {
    const visible = await introspect(await server.keyWith({ keyScopes: [scopeOfType.Product] }));
    const names = Object.keys(visible.getTypeMap());
    for (const hidden of ['Patient', 'Appointment', 'Bill', 'CodingGroup', 'Diagnosis', 'LineItem', 'LineItemModifier', 'Claim', 'ClaimInsurance']) {
      expect(names, hidden).not.toContain(hidden);
    }
    expect(names.filter((name) => /Patient|Appointment|Bill|Claim|Diagnos|LineItem|Provider|Facility|Inventory|Stock/.test(name))).toEqual([]);
    expect(names).toContain('Product');
    expect(Object.keys(visible.getQueryType()!.getFields()).sort()).toEqual(['authorize', 'node', 'nodes', 'product', 'products']);
    const text = printed(visible);
    expect(text).not.toContain('stockLevels');
    for (const entry of scopeTable) if (entry.id !== scopeOfType.Product) expect(text).not.toContain(entry.id);
  });

  it('a key holding every scope sees the whole schema', async () => {
    expect(printed(await introspect())).toBe(printed(schema));
  });

  it('__type answers null for a type the key cannot read', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const query = '{ patient: __type(name: "Patient") { name } product: __type(name: "Product") { name } }';
    expect((await server.gql(query, {}, { key: productsOnly })).data).toEqual({ patient: null, product: { name: 'Product' } });
    expect((await server.gql(query)).data).toEqual({ patient: { name: 'Patient' }, product: { name: 'Product' } });
  });

  it('leaves execution alone: a field the key cannot read still answers null with a FORBIDDEN error naming its scope', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const response = await server.gql('{ patients(first: 1) { nodes { id } } products(first: 1) { nodes { name } } }', {}, { key: productsOnly });
    expect(response.status).toBe(200);
    expect(response.data?.patients).toBeNull();
    expect(response.data?.products.nodes).toHaveLength(1);
    expect(response.errors?.map((e) => [e.extensions?.code, e.extensions?.requiredScopes])).toEqual([['FORBIDDEN', [scopeOfType.Patient]]]);
  });

  it('builds each visible schema once per scope set, whatever the order of the scopes', () => {
    const a = schemaForScopes(schema, [scopeOfType.Product, scopeOfType.Patient]);
    expect(schemaForScopes(schema, [scopeOfType.Patient, scopeOfType.Product])).toBe(a);
    expect(schemaForScopes(schema, [scopeOfType.Patient])).not.toBe(a);
    const every = scopeTable.map((entry) => entry.id as Scope);
    expect(schemaForScopes(schema, every)).toBe(schema);
  });

  it('uses the visible schema only for operations that are introspection alone', () => {
    expect(isIntrospectionOperation(parse('{ __schema { types { name } } }'))).toBe(true);
    expect(isIntrospectionOperation(parse('query Q { ...F } fragment F on Query { __type(name: "X") { name } }'))).toBe(true);
    expect(isIntrospectionOperation(parse('{ __typename products { totalCount } }'))).toBe(false);
    expect(isIntrospectionOperation(parse('query A { __typename } query B { me { scopes } }'), 'B')).toBe(false);
  });
});

describe('scopes visible to clients', () => {
  it('docs/scopes.md is generated from the scope table and the schema (run `npm run scopes:doc` after changing either)', async () => {
    expect(await readFile(scopesDocPath, 'utf8')).toBe(renderScopesDoc(schema));
  });

  it('docs/scopes.md lists each scope with the types and root fields it guards', () => {
    const doc = renderScopesDoc(schema);
    for (const entry of scopeTable) {
      expect(doc).toContain(`## \`${entry.id}\`: ${entry.title}`);
      for (const type of entry.guards) expect(doc).toContain(`\`${type}\``);
    }
  });
});
