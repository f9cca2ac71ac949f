import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  parse,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { schema } from '../src/schema/index.js';
import { schemaForScopes, schemaPartOf } from '../src/schema/visibility.js';
import { projectRoot } from '../src/db/migrate.js';
import path from 'node:path';
import { scopeOfType, scopeTable, type Scope } from '../src/scopes.js';
import { renderScopesDoc, scopesDocPath } from '../scripts/scopes-doc.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const scopedView = { 'x-schema-view': 'scoped' };

async function introspect(key?: string, headers?: Record<string, string>) {
  const response = await server.gql<IntrospectionQuery>(getIntrospectionQuery({ specifiedByUrl: true }), {}, { key, headers });
  expect(response.errors).toBeUndefined();
  return buildClientSchema(response.data!);
}

const printed = (built: Parameters<typeof lexicographicSortSchema>[0]) => printSchema(lexicographicSortSchema(built));

describe('introspection', () => {
  it('describes the whole schema, identical to schema.graphql, whatever the key holds', async () => {
    const committed = await readFile(path.join(projectRoot, 'schema.graphql'), 'utf8');
    for (const scopes of [[scopeOfType.Product], [scopeOfType.Me], scopeTable.map((entry) => entry.id)]) {
      const seen = await introspect(await server.keyWith({ keyScopes: scopes }));
      expect(printed(seen), scopes.join(' ')).toBe(printed(schema));
      expect(printed(seen)).toBe(printed(buildSchema(committed)));
    }
  });

  it('answers __type for every type, whatever the key holds, unless the per-key view is asked for', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const response = await server.gql('{ __type(name: "Patient") { name } }', {}, { key: productsOnly });
    expect(response.data).toEqual({ __type: { name: 'Patient' } });
  });

  it('applies the per-key view to every introspection field of a mixed operation when asked', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const query = '{ authorize(document: "{ __typename }") { valid } __schema { types { name } } products(first: 1) { totalCount } patients(first: 1) { totalCount } }';
    const full = await server.gql(query, {}, { key: productsOnly });
    expect(full.data?.__schema.types.map((t: { name: string }) => t.name)).toContain('Patient');
    const scoped = await server.gql(query, {}, { key: productsOnly, headers: scopedView });
    const names = scoped.data?.__schema.types.map((t: { name: string }) => t.name);
    expect(names).toContain('Product');
    expect(names).not.toContain('Patient');
    expect(scoped.data?.authorize).toEqual({ valid: true });
    expect(scoped.data?.products.totalCount).toBeGreaterThan(0);
    // Data fields still run on the whole schema: the unreadable one answers null naming its scope.
    expect(scoped.data?.patients).toBeNull();
    expect(scoped.errors?.map((e) => e.extensions?.requiredScopes)).toEqual([[scopeOfType.Patient]]);
    expect(Object.keys(scoped.data!)).toEqual(['authorize', '__schema', 'products', 'patients']);
  });
});

describe('the per-key view (X-Schema-View: scoped)', () => {
  it('a read:products key sees no patient, appointment, bill or claim type, nor any field that reaches one', async () => {
    const visible = await introspect(await server.keyWith({ keyScopes: [scopeOfType.Product] }), scopedView);
    const names = Object.keys(visible.getTypeMap());
    for (const hidden of ['Patient', 'Appointment', 'Bill', 'CodingGroup', 'Diagnosis', 'LineItem', 'LineItemModifier', 'Claim', 'ClaimInsurance']) {
      expect(names, hidden).not.toContain(hidden);
    }
    expect(names.filter((name) => /Patient|Appointment|Bill|Claim|Diagnos|LineItem|Provider|Facility|Inventory|Stock/.test(name))).toEqual([]);
    expect(names).toContain('Product');
    expect(Object.keys(visible.getQueryType()!.getFields()).sort()).toEqual(['authorize', 'changes', 'changesCursor', 'node', 'nodes', 'product', 'products', 'webhookSubscription', 'webhookSubscriptions']);
    const text = printed(visible);
    expect(text).not.toContain('stockLevels');
    for (const entry of scopeTable) if (entry.id !== scopeOfType.Product) expect(text).not.toContain(entry.id);
  });

  it('a key holding every scope sees the whole schema', async () => {
    expect(printed(await introspect(undefined, scopedView))).toBe(printed(schema));
  });

  it('__type answers null for a type the key cannot read', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const query = '{ patient: __type(name: "Patient") { name } product: __type(name: "Product") { name } }';
    expect((await server.gql(query, {}, { key: productsOnly, headers: scopedView })).data).toEqual({ patient: null, product: { name: 'Product' } });
    expect((await server.gql(query, {}, { headers: scopedView })).data).toEqual({ patient: { name: 'Patient' }, product: { name: 'Product' } });
  });

  it('leaves execution alone: a field the key cannot read still answers null with a FORBIDDEN error naming its scope', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const response = await server.gql('{ patients(first: 1) { nodes { id } } products(first: 1) { nodes { name } } }', {}, { key: productsOnly, headers: scopedView });
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

  it('finds the schema-reading fields of an operation, through fragments, and nothing in operations without them', () => {
    expect(schemaPartOf(parse('{ __schema { types { name } } }'))?.whole).toBe(true);
    expect(schemaPartOf(parse('query Q { ...F } fragment F on Query { __type(name: "X") { name } }'))).not.toBeNull();
    expect(schemaPartOf(parse('{ __typename products { totalCount } }'))).toBeNull();
    expect(schemaPartOf(parse('query A { __schema { queryType { name } } } query B { me { scopes } }'), 'B')).toBeNull();
    expect(schemaPartOf(parse('{ me { scopes } ... on Query { __schema { queryType { name } } } }'))?.whole).toBe(false);
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
