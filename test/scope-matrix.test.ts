import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { buildSchema, schema } from '../src/schema/index.js';
import { createApp, type App } from '../src/yoga.js';
import { connectionParts } from '../src/schema/selection.js';
import { clinicTables, isClinicType, resourceOf, type ClinicType } from '../src/resources.js';
import { allScopes, canonicalScopes, scopeAliases, type Scope } from '../src/scopes.js';
import { createApp as createMarketplaceApp, createKey, installApp, updateAppScopes } from '../src/marketplace/service.js';
import { startTestServer, type TestServer } from './support/app.js';
import { firstIdOfEachResource } from './support/samples.js';

/**
 * The scope matrix, generated from the schema rather than listed by hand: every root field, every
 * field that reaches an object type (walked two levels below the root, through lists and
 * connections), `node` and `nodes` for every Node type (inline fragments, named fragments on Node, and
 * the fields under them), each asked with keys limited by the key, by the clinic's grant, by a
 * declaration narrowed after the key was made, and through the read:encounters alias. A cell is one
 * path under one key: data iff the effective scopes cover every step of the path; otherwise null at the
 * first step they do not cover, with an error there naming its missing scope, and the rest of the
 * response intact. A new field or type is covered without editing this file.
 */

interface Step {
  /** Response key: the field's name, or a generated alias at the root. */
  key: string;
  /** Scopes the step needs: its @requiresScopes directive (the rule it runs, or the scope of its parent's type). */
  required: readonly Scope[];
  /** A connection: its rows sit under `nodes`. */
  connection: boolean;
}

interface Path {
  name: string;
  steps: Step[];
}

/** Depth of object-returning fields below each root. */
const nestedLevels = 2;

let server: TestServer;
let samples: Record<ClinicType, string>;
/** The served schema, and the same schema with every field rule removed: the data layer alone must refuse as much. */
const schemas = { 'field rules, then the data layer': schema, 'the data layer alone (every field rule removed)': buildSchema({ scopeChecks: false }) };
const apps = new Map<GraphQLSchema, App>();

beforeAll(async () => {
  // Limits are not what this file tests: its documents hold every path at once.
  const hardening = { limits: { aliases: 10_000, cost: 1e9, depth: 50, tokens: 1e6, queryLength: 1e7, bodyBytes: 1e8 } };
  server = await startTestServer({ hardening });
  for (const served of Object.values(schemas)) apps.set(served, served === schema ? server.app : createApp({ db: server.db, hardening, schema: served }));
  const organizationId = server.clinics[0]!.id;
  // Then rows with as many children as the clinic has (the most referenced), so nested lists are not empty.
  samples = await firstIdOfEachResource(server.db.prisma, organizationId);
  Object.assign(samples, await richSamples(organizationId));
}, 300_000);
afterAll(async () => {
  for (const app of apps.values()) if (app !== server.app) await app.close();
  await server?.close();
});

/** Rows whose children exist, so a path through them reaches data when allowed. */
async function richSamples(organizationId: string): Promise<Partial<Record<ClinicType, string>>> {
  const prisma = server.db.prisma;
  const where = { organizationId };
  const bill = await prisma.bill.findFirstOrThrow({
    where: { ...where, claims: { some: { insurance: { some: {} } } }, codingGroups: { some: { lineItems: { some: { modifiers: { some: {} }, diagnosisLinks: { some: {} } } } } } },
    orderBy: { id: 'asc' },
    include: { codingGroups: { include: { lineItems: true } }, claims: true },
  });
  const change = await prisma.inventoryChange.findFirstOrThrow({ where: { ...where, status: 'closed', items: { some: {} } }, orderBy: { id: 'asc' } });
  const provider = await prisma.provider.findFirstOrThrow({ where: { ...where, appointments: { some: {} } }, orderBy: { id: 'asc' } });
  const product = await prisma.product.findFirstOrThrow({ where: { ...where, stockLevels: { some: {} } }, orderBy: { id: 'asc' } });
  const lineItem = bill.codingGroups.flatMap((group) => group.lineItems)[0]!;
  return {
    Patient: bill.patientId,
    Bill: bill.id,
    CodingGroup: bill.codingGroups[0]!.id,
    LineItem: lineItem.id,
    Claim: bill.claims[0]!.id,
    Facility: change.facilityId,
    InventoryChange: change.id,
    Provider: provider.id,
    Product: product.id,
  };
}

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

function requiredScopes(field: GraphQLField<unknown, unknown>): Scope[] {
  return (getDirective(schema, field, 'requiresScopes')?.[0]?.scopes ?? []) as Scope[];
}

/** The object type whose fields a step continues with, and whether it is a connection. */
function rowsOf(field: GraphQLField<unknown, unknown>): { type: GraphQLNamedType; connection: boolean } | undefined {
  const named = getNamedType(field.type);
  const parts = connectionParts(named);
  if (parts) return { type: parts.node, connection: true };
  return isObjectType(named) || isInterfaceType(named) ? { type: named, connection: false } : undefined;
}

/** Values for required arguments, from the argument's name and the field's type: a new one fails here, by name. */
function argumentsOf(parent: string, field: GraphQLField<unknown, unknown>): string {
  const values: string[] = [];
  for (const arg of field.args) {
    if (arg.name === 'first' && rowsOf(field)?.connection) {
      values.push('first: 3');
      continue;
    }
    if (!isNonNullType(arg.type)) continue;
    const listOf = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
    if (arg.name === 'id' && !listOf) values.push(`id: "${sampleOf(getNamedType(field.type).name)}"`);
    else if (arg.name.endsWith('Id') && !listOf) values.push(`${arg.name}: "${sampleOf(arg.name[0]!.toUpperCase() + arg.name.slice(1, -2))}"`);
    else if (arg.name === 'document') values.push('document: "{ __typename }"');
    else throw new Error(`The scope matrix has no value for the required argument ${parent}.${field.name}(${arg.name}:); add one in argumentsOf.`);
  }
  return values.length ? `(${values.join(', ')})` : '';
}

function sampleOf(type: string): string {
  const id = (samples as Record<string, string | undefined>)[type];
  if (!id) throw new Error(`No sample ${type} in the demo clinic: the demo data must hold every resource.`);
  return id;
}

/** A selection tree and the paths it holds. */
interface Tree {
  selection: string;
  paths: Step[][];
}

function treeBelow(type: GraphQLNamedType, levels: number, seen: ReadonlySet<string>): Tree {
  const concrete: GraphQLObjectType[] = isObjectType(type) ? [type] : (schema.getPossibleTypes(type as never) as GraphQLObjectType[]);
  const parts: string[] = ['__typename'];
  const paths: Step[][] = [];
  for (const object of concrete) {
    const inner: string[] = [];
    for (const field of Object.values(object.getFields())) {
      const rows = rowsOf(field);
      // A Node-returning field's scope depends on each id's type; the build checks it loads through loadNode.
      if (!rows || field.name === 'pageInfo' || isInterfaceType(rows.type)) continue;
      if (seen.has(rows.type.name) || levels === 0) continue;
      const step: Step = { key: field.name, required: requiredScopes(field as never), connection: rows.connection };
      const below = treeBelow(rows.type, levels - 1, new Set([...seen, rows.type.name]));
      const rowsSelection = rows.connection ? `nodes { ${below.selection} }` : below.selection;
      inner.push(`${field.name}${argumentsOf(object.name, field as never)} { ${rowsSelection} }`);
      paths.push([step], ...below.paths.map((rest) => [step, ...rest]));
    }
    if (object.getFields().id) inner.push('id');
    if (inner.length) parts.push(isObjectType(type) ? inner.join(' ') : `... on ${object.name} { ${inner.join(' ')} }`);
  }
  return { selection: parts.join(' '), paths };
}

/** The document holding every path, and the paths. */
function matrixDocument(): { document: string; paths: Path[] } {
  const query = schema.getQueryType()!;
  const roots: string[] = [];
  const paths: Path[] = [];
  for (const field of Object.values(query.getFields())) {
    if (field.name === 'node' || field.name === 'nodes') continue;
    // By-id fields of what is not clinic data (an app's own webhook subscriptions) need no scope; their own tests cover them.
    if (field.args.some((arg) => arg.name === 'id') && !isClinicType(getNamedType(field.type).name)) continue;
    const rows = rowsOf(field as never);
    const root: Step = { key: field.name, required: requiredScopes(field as never), connection: Boolean(rows?.connection) };
    if (!rows) {
      roots.push(`${field.name}${argumentsOf('Query', field as never)}`);
      paths.push({ name: field.name, steps: [root] });
      continue;
    }
    const below = treeBelow(rows.type, nestedLevels, new Set([rows.type.name]));
    roots.push(`${field.name}${argumentsOf('Query', field as never)} { ${rows.connection ? `totalCount nodes { ${below.selection} }` : below.selection} }`);
    paths.push({ name: field.name, steps: [root] }, ...below.paths.map((rest) => ({ name: [field.name, ...rest.map((s) => s.key)].join('.'), steps: [root, ...rest] })));
  }
  // node for every Node type: by inline fragment, with the fields under it, and by a named fragment on Node.
  for (const type of clinicTables) {
    const scope = resourceOf[type].scope;
    const nodeStep = (key: string): Step => ({ key, required: [scope], connection: false });
    const object = schema.getType(type) as GraphQLObjectType;
    const below = treeBelow(object, 1, new Set([type]));
    roots.push(`inline_${type}: node(id: "${sampleOf(type)}") { id ... on ${type} { ${below.selection} } }`);
    paths.push({ name: `node(${type})`, steps: [nodeStep(`inline_${type}`)] });
    paths.push(...below.paths.map((rest) => ({ name: `node(${type}).${rest.map((s) => s.key).join('.')}`, steps: [nodeStep(`inline_${type}`), ...rest] })));
    roots.push(`named_${type}: node(id: "${sampleOf(type)}") { ...NodeFields }`);
    paths.push({ name: `node(${type}) ...NodeFields`, steps: [nodeStep(`named_${type}`)] });
  }
  roots.push(`all: nodes(ids: [${clinicTables.map((type) => `"${sampleOf(type)}"`).join(', ')}]) { ...NodeFields }`);
  clinicTables.forEach((type, index) =>
    paths.push({ name: `nodes[${type}]`, steps: [{ key: 'all', required: [], connection: false }, { key: String(index), required: [resourceOf[type].scope], connection: false }] }),
  );
  const fragment = `fragment NodeFields on Node { id __typename ${clinicTables.map((type) => `... on ${type} { id }`).join(' ')} }`;
  return { document: `query Matrix { ${roots.join('\n')} }\n${fragment}`, paths };
}

/** The values at the end of a path, one per parent reached (list items and connection rows expanded). */
function valuesAt(data: unknown, steps: readonly Step[]): unknown[] {
  let level: unknown[] = [data];
  steps.forEach((step, i) => {
    const next: unknown[] = [];
    for (const parent of level) {
      if (parent == null || typeof parent !== 'object') continue;
      const value = (parent as Record<string, unknown>)[step.key];
      next.push(step.connection && value != null ? (value as { nodes: unknown[] }).nodes : value);
    }
    const last = i === steps.length - 1;
    const indexedNext = !last && /^\d+$/.test(steps[i + 1]!.key);
    level = last || indexedNext ? next : next.flatMap((value) => (Array.isArray(value) ? value : [value]));
  });
  return level;
}

interface KeyUnderTest {
  kind: 'key' | 'grant' | 'declaration' | 'alias';
  effective: ReadonlySet<Scope>;
  secret: string;
}

let appCounter = 0;

/** A key whose effective scopes are `scopes`, limited where `kind` says; every other level holds every scope. */
async function keyLimitedBy(kind: KeyUnderTest['kind'], scopes: readonly Scope[]): Promise<KeyUnderTest> {
  const prisma = server.db.prisma;
  const slug = `matrix-${process.pid}-${++appCounter}`;
  const every = [...allScopes];
  const aliased = scopes.map((scope) => scopeAliases.find((a) => a.satisfies === scope)?.alias ?? scope);
  await createMarketplaceApp(prisma, { slug, name: slug, scopes: kind === 'alias' ? [...every, ...aliased] : every });
  await installApp(prisma, { slug, organizationId: server.clinics[0]!.id, grant: kind === 'grant' ? scopes : undefined });
  const keyScopes = kind === 'key' ? scopes : kind === 'alias' ? aliased : every;
  const { secret } = await createKey(prisma, { slug, scopes: keyScopes });
  if (kind === 'declaration') await updateAppScopes(prisma, slug, scopes);
  return { kind, effective: new Set(canonicalScopes(scopes)), secret };
}

describe.each(Object.entries(schemas))('scope matrix (generated from the schema), enforced by %s', (_name, served) => {
  it('every path answers exactly what the effective scopes cover, for keys limited at each level', async () => {
    const { document, paths } = matrixDocument();
    const needed = new Set<string>();
    const sets: Scope[][] = [[...allScopes]];
    const add = (scopes: readonly Scope[]) => {
      const set = [...new Set(scopes)].sort() as Scope[];
      if (set.length === 0 || needed.has(set.join(' '))) return;
      needed.add(set.join(' '));
      sets.push(set);
    };
    for (const scope of allScopes) add([scope]);
    for (const path of paths) {
      const all = path.steps.flatMap((step) => step.required);
      add(all);
      for (const left of new Set(all)) add(all.filter((scope) => scope !== left));
    }
    const keys: KeyUnderTest[] = [];
    for (const scopes of sets) keys.push(await keyLimitedBy('key', scopes));
    for (const scopes of sets.filter((set) => set.length === 1 || set.length === allScopes.length)) {
      keys.push(await keyLimitedBy('grant', scopes), await keyLimitedBy('declaration', scopes));
    }
    for (const scopes of sets.filter((set) => set.includes('read:bills'))) keys.push(await keyLimitedBy('alias', scopes));

    const failures: string[] = [];
    const reached = new Set<string>();
    let cells = 0;
    for (const key of keys) {
      const response = await server.gql(document, {}, { key: key.secret, app: apps.get(served) });
      expect(response.status).toBe(200);
      const errors = (response.errors ?? []).map((error) => ({ where: (error.path ?? []).map(String).join('.'), message: error.message }));
      for (const error of response.errors ?? []) {
        if (error.extensions?.code !== 'FORBIDDEN') failures.push(`${key.kind} [${[...key.effective]}]: ${String(error.extensions?.code)} at ${error.path?.join('.')}: ${error.message}`);
      }
      for (const path of paths) {
        cells++;
        const denial = path.steps.findIndex((step) => step.required.some((scope) => !key.effective.has(scope)));
        const label = `${key.kind} [${[...key.effective].join(' ')}] ${path.name}`;
        const keysTo = (end: number) => path.steps.slice(0, end).map((step) => step.key);
        if (denial === -1) {
          const wrong = errors.find((error) => path.steps.some((_, end) => matchesPath(error.where, keysTo(end + 1))));
          if (wrong) failures.push(`${label}: ${wrong.message} although the scopes cover the path`);
          if (valuesAt(response.data, path.steps).some((value) => value != null)) reached.add(path.name);
          continue;
        }
        const step = path.steps[denial]!;
        const atDenial = valuesAt(response.data, path.steps.slice(0, denial + 1));
        if (atDenial.some((value) => value != null)) failures.push(`${label}: data at ${step.key} without ${step.required.join(', ')}`);
        const parents = valuesAt(response.data, path.steps.slice(0, denial));
        if (denial === 0 || parents.some((parent) => parent != null)) {
          const message = `Insufficient scope. Required: ${step.required.join(', ')}`;
          if (!errors.some((error) => matchesPath(error.where, keysTo(denial + 1)) && error.message === message)) {
            failures.push(`${label}: no error "${message}" at ${keysTo(denial + 1).join('.')}`);
          }
        }
      }
    }
    const unreached = paths.filter((path) => path.steps.some((step) => step.required.length > 0) && !reached.has(path.name)).map((path) => path.name);
    console.log(`scope matrix: ${cells} cells (${paths.length} paths × ${keys.length} keys), ${failures.length} failures, ${unreached.length} paths without demo data`);
    expect(failures.slice(0, 40)).toEqual([]);
    // A path that no key reached proves nothing: the demo data must hold a row at the end of every path.
    expect(unreached).toEqual([]);
    expect(cells).toBeGreaterThan(1000);
  }, 600_000);
});

/** Whether an error path (with list indices and `nodes`) is the path of these response keys. */
function matchesPath(errorPath: string, keys: readonly string[]): boolean {
  const parts = errorPath.split('.');
  let at = 0;
  for (const part of parts) {
    if (at < keys.length && part === keys[at]) at++;
    else if (!/^\d+$/.test(part) && part !== 'nodes') return false;
  }
  return at === keys.length && parts[parts.length - 1] === keys[keys.length - 1];
}
