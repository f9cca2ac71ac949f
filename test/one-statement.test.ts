/**
 * The one-statement path (src/data/document-statement.ts) against the executor, generated from the
 * schema: for every root list and by-id field, a query selecting every field of its rows, their
 * references and their child lists (and theirs once more), answered both ways over the same data.
 * The answers must be the same text (key order included), the PHI records the same, and the
 * one-statement app must send exactly one data statement: a field it cannot answer fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { schema } from '../src/schema/index.js';
import { rowsSourceOf } from '../src/schema/connections.js';
import { connectionParts } from '../src/schema/selection.js';
import { createApp, type App } from '../src/yoga.js';
import { startTestServer, type TestServer, type GraphQLResponse } from './support/app.js';
import { firstIdOfEachResource } from './support/samples.js';
import { referenceExtension } from '../src/data/prefetch.js';
import { oneStatementMark } from '../src/data/document-statement.js';
import { scopeOfType } from '../src/scopes.js';
import { resourceOf, type ClinicType } from '../src/resources.js';

type AnyField = GraphQLField<unknown, unknown>;
const query = schema.getQueryType()!;

function isLeaf(field: AnyField): boolean {
  let type = field.type;
  if (isNonNullType(type)) type = type.ofType;
  if (isListType(type)) type = isNonNullType(type.ofType) ? type.ofType.ofType : type.ofType;
  return isScalarType(type) || isEnumType(type);
}

/** Fields a query can select without arguments of its own to make up. */
const answerable = (field: AnyField) => field.args.every((arg) => !isNonNullType(arg.type));

/** Every field of a row type, to `depth` levels of related rows. */
function rowSelection(type: GraphQLObjectType, depth: number): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (!answerable(field)) continue;
    if (isLeaf(field)) {
      parts.push(field.name);
      continue;
    }
    if (depth === 0) continue;
    const named = getNamedType(field.type);
    const source = rowsSourceOf(field);
    if (field.extensions[referenceExtension] && isObjectType(named)) parts.push(`${field.name} { ${rowSelection(named, depth - 1)} }`);
    else if (source?.kind === 'pages' && connectionParts(named)) {
      const node = connectionParts(named)!.node as GraphQLObjectType;
      parts.push(`${field.name}(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } nodes { ${rowSelection(node, depth - 1)} } }`);
    } else if ((source?.kind === 'list' || source?.kind === 'linked') && isObjectType(named)) parts.push(`${field.name} { ${rowSelection(named, depth - 1)} }`);
  }
  return parts.join(' ');
}

const rootLists = Object.values(query.getFields()).filter((field) => rowsSourceOf(field)?.kind === 'pages');
const rootById = Object.values(query.getFields()).filter((field) => rowsSourceOf(field)?.kind === 'byId');
const connectionSelection = (field: AnyField, depth: number) =>
  `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } nodes { ${rowSelection(connectionParts(getNamedType(field.type))!.node as GraphQLObjectType, depth)} }`;
/** A root list's arguments that the list cannot run without (a facility for stock levels). */
const requiredArguments = (field: AnyField, ids: Record<ClinicType, string>) =>
  field.args
    .filter((arg) => isNonNullType(arg.type))
    .map((arg) => `${arg.name}: ${JSON.stringify(ids[arg.name.replace(/Id$/, '').replace(/^./, (c) => c.toUpperCase()) as ClinicType])}`);

let server: TestServer;
let executor: App;
let ids: Record<ClinicType, string>;
let otherClinicIds: Record<ClinicType, string>;

beforeAll(async () => {
  server = await startTestServer();
  executor = createApp({ db: server.db, execution: { oneStatement: false } });
  ids = await firstIdOfEachResource(server.db.prisma, server.clinics[0]!.id);
  otherClinicIds = await firstIdOfEachResource(server.db.prisma, server.clinics[1]!.id);
});
afterAll(async () => {
  await executor.close();
  await server.close();
});


/** The answer both ways, the data statements the one-statement app sent, and both PHI records. */
async function bothWays(document: string, key?: string) {
  const sent: string[] = [];
  const stop = server.db.onStatement((sql) => sent.push(sql));
  let statement: GraphQLResponse;
  try {
    statement = await server.gql(document, undefined, { key });
  } finally {
    stop();
  }
  const executed = await server.gql(document, undefined, { key, app: executor });
  const record = async (response: GraphQLResponse) => {
    const rows = await server.db.prisma.phiAccess.findMany({ where: { traceId: response.headers.get('x-trace-id')! } });
    return rows.map(({ patientIds, fieldPaths, searches }) => ({ patientIds, fieldPaths, searches }));
  };
  return { statement, executed, statements: sent.filter((sql) => sql.startsWith(oneStatementMark)).length, records: [await record(statement), await record(executed)] };
}

async function expectSame(document: string) {
  const { statement, executed, statements, records } = await bothWays(document);
  expect(statement.errors, document).toBeUndefined();
  expect(JSON.stringify(statement.data)).toBe(JSON.stringify(executed.data));
  expect(records[0]).toEqual(records[1]);
  expect(statements, `one statement answers ${document}`).toBe(1);
  return statement.data as Record<string, { edges?: { cursor: string }[]; pageInfo?: { endCursor: string | null; startCursor: string | null } }>;
}

describe('one statement answers a whole query exactly as the executor does', () => {

  it.each(rootLists.map((field) => [field.name, field] as const))('%s: every field, two levels of related rows, then the next page and the one before', async (_name, field) => {
    const args = requiredArguments(field, ids);
    const list = (paging: string) => `{ ${field.name}(${[...args, paging].join(', ')}) { ${connectionSelection(field, 2)} } }`;
    const first = await expectSame(list('first: 3'));
    const end = first[field.name]!.pageInfo!.endCursor;
    if (end) {
      const second = await expectSame(list(`first: 3, after: ${JSON.stringify(end)}`));
      const start = second[field.name]!.pageInfo!.startCursor;
      if (start) await expectSame(list(`last: 2, before: ${JSON.stringify(start)}`));
    }
  });

  it.each(rootLists.flatMap((field) => {
    const orderBy = field.args.find((arg) => arg.name === 'orderBy');
    const input = orderBy && getNamedType(orderBy.type);
    const enumType = isInputObjectType(input) ? getNamedType(input.getFields().field?.type) : undefined;
    return isEnumType(enumType) ? enumType.getValues().flatMap((value) => ['ASC', 'DESC'].map((direction) => [field.name, value.name, direction, field] as const)) : [];
  }))('%s ordered by %s %s', async (_name, value, direction, field) => {
    const args = [...requiredArguments(field, ids), 'first: 4', `orderBy: { field: ${value}, direction: ${direction} }`];
    const page = await expectSame(`{ ${field.name}(${args.join(', ')}) { pageInfo { endCursor } nodes { id } } }`);
    const end = page[field.name]!.pageInfo!.endCursor;
    if (end) await expectSame(`{ ${field.name}(${[...args, `after: ${JSON.stringify(end)}`].join(', ')}) { nodes { id } } }`);
  });

  it.each(rootById.map((field) => [field.name, field] as const))('%s(id): every field, two levels of related rows', async (_name, field) => {
    const type = getNamedType(field.type) as GraphQLObjectType;
    const data = await expectSame(`{ ${field.name}(id: ${JSON.stringify(ids[type.name as ClinicType])}) { ${rowSelection(type, 2)} } }`);
    expect(data[field.name]).not.toBeNull();
  });

  it.each(rootById.map((field) => [field.name, field] as const))('%s(id) of the other clinic is null, as a missing one', async (_name, field) => {
    const type = getNamedType(field.type) as GraphQLObjectType;
    const data = await expectSame(`{ ${field.name}(id: ${JSON.stringify(otherClinicIds[type.name as ClinicType])}) { id } }`);
    expect(data[field.name]).toBeNull();
  });

  const clinicTypes = () => Object.keys(ids) as ClinicType[];

  it.each(Object.keys(resourceOf).map((type) => [type] as const))('node(id) of a %s: every field of its type, a level of related rows', async (type) => {
    const row = schema.getType(type) as GraphQLObjectType;
    const data = await expectSame(`{ node(id: ${JSON.stringify(ids[type as ClinicType])}) { __typename id ... on ${type} { ${rowSelection(row, 1)} } } }`);
    expect(data.node).not.toBeNull();
  });

  it('nodes(ids) of every type, another clinic\'s and a missing one, in the order given', async () => {
    const missing = `${ids.Patient.slice(0, 4)}${'0'.repeat(20)}`;
    const list = [...clinicTypes().map((type) => ids[type]), otherClinicIds.Patient, missing];
    // Each type's every field is node(id)'s test above; here the list, with fields of several types.
    const fragments = '__typename ... on Patient { lastName } ... on Appointment { status patient { id } } ... on Bill { billNumber codingGroups { status } }';
    const data = (await expectSame(`{ nodes(ids: ${JSON.stringify(list)}) { id ${fragments} } }`)) as unknown as { nodes: ({ id: string } | null)[] };
    expect(data.nodes.map((node) => node?.id ?? null)).toEqual([...clinicTypes().map((type) => ids[type]), null, null]);
  });

  it('a node of a type the key cannot read is left to the executor, which says so', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const { statement, executed, statements } = await bothWays(`{ a: node(id: ${JSON.stringify(ids.Product)}) { id } b: node(id: ${JSON.stringify(ids.Patient)}) { id } }`, key);
    expect(statements).toBe(0);
    expect(statement.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(statement.data)).toBe(JSON.stringify(executed.data));
    const allowed = await bothWays(`{ node(id: ${JSON.stringify(ids.Product)}) { id ... on Product { name } } }`, key);
    expect(allowed.statements).toBe(1);
    expect(JSON.stringify(allowed.statement.data)).toBe(JSON.stringify(allowed.executed.data));
  });

  it('aliases, fragments, @include and several root fields in one statement', async () => {
    const data = await expectSame(`query Q { a: patients(first: 2, orderBy: { field: NAME, direction: DESC }) { nodes { ...P } }
      b: bills(first: 2) { nodes { number: billNumber patient { ...P } codingGroups @include(if: true) { status } codingGroups @skip(if: true) { id } } }
      __typename }
      fragment P on Patient { id name: lastName ... on Patient { firstName } }`);
    expect(Object.keys(data)).toEqual(['a', 'b', '__typename']);
  });

  it.each([
    ['only a cursor', '{ patients(first: 3) { pageInfo { endCursor } } }'],
    ['lines with the diagnoses they point at, three levels down', '{ bills(first: 5) { nodes { codingGroups { lineItems { code linkedDiagnoses { id code position } modifiers { code } } } } } }'],
    ['a page read for its type name and count alone', '{ facilities(first: 3) { __typename } patients(first: 0) { totalCount } }'],
    ['a search with its count and a cursor', '{ patients(search: "a", first: 2) { totalCount pageInfo { startCursor } } }'],
    ['nested pages read by cursor and count alone', '{ providers(first: 2) { nodes { id appointments(first: 2) { totalCount pageInfo { endCursor hasNextPage } } } } }'],
    ['edges without nodes, then nodes without edges', '{ a: appointments(first: 2) { edges { node { status } } } b: appointments(first: 2) { nodes { patient { lastName } } } }'],
    ['a page that ends early, backwards', '{ bills(last: 2) { pageInfo { hasPreviousPage hasNextPage } nodes { billNumber codingGroups { diagnoses { code } } } } }'],
  ])('the PHI record of %s is the executor\'s', async (_name, document) => {
    await expectSame(document);
  });

  it('a search is recorded by presence on both paths', async () => {
    const { records } = await bothWays('{ patients(search: "a", first: 2) { totalCount nodes { id } } }');
    expect(records[0]).toEqual(records[1]);
    expect(records[0]![0]!.searches).toEqual([{ list: 'patients', arguments: ['search'], totalCount: expect.any(Number), returned: expect.any(Number) }]);
  });

  it('a caller short of one scope gets the executor\'s partial answer: the statement is not used', async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Appointment, scopeOfType.Patient] });
    const document = '{ appointments(first: 2) { nodes { id patient { id } provider { id } } } }';
    const { statement, executed, statements } = await bothWays(document, key);
    expect(statements).toBe(0);
    expect(statement.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(statement.data)).toBe(JSON.stringify(executed.data));
  });

  it('a bad cursor fails its field with the executor\'s error', async () => {
    const { statement, executed, statements } = await bothWays('{ patients(first: 2, after: "bm90IGEgY3Vyc29y") { nodes { id } } }');
    expect(statements).toBe(0);
    expect(statement.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(statement.errors?.map((error) => error.message)).toEqual(executed.errors?.map((error) => error.message));
  });
});
