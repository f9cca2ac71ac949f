import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedByRequestExtension, idTypeAt, type IdTarget } from '../src/http/arguments.js';
import { newId, type IdentifiedType } from '../src/ids.js';
import { schema } from '../src/schema/index.js';
import { allScopes } from '../src/scopes.js';
import { startTestServer, type TestServer } from './support/app.js';

/**
 * Every argument of every field the schema has, root and nested, sent hostile values chosen by its
 * type: the schema is walked, so a new argument is fuzzed without a line here.
 */
let server: TestServer;
let key = '';
const samples = new Map<IdentifiedType, string>();
const cursors: { patients: string; providers: string } = { patients: '', providers: '' };

beforeAll(async () => {
  server = await startTestServer({ hardening: { logLevel: 'silent', rateLimit: { points: 1_000_000 } } });
  key = await server.keyWith({ keyScopes: [...allScopes] });
  const organizationId = server.clinics[0]!.id;
  const first = <T extends { id: string }>(rows: T | null) => rows?.id;
  const prisma = server.db.prisma;
  // A facility with inventory, so the paths through it reach rows (nested arguments are checked where they resolve).
  const change = await prisma.inventoryChange.findFirstOrThrow({ where: { organizationId, items: { some: {} } } });
  const found: Partial<Record<IdentifiedType, string | undefined>> = {
    Facility: change.facilityId,
    InventoryChange: change.id,
    Patient: first(await prisma.patient.findFirst({ where: { organizationId, appointments: { some: {} } } })),
    Provider: first(await prisma.provider.findFirst({ where: { organizationId, appointments: { some: {} } } })),
    Appointment: first(await prisma.appointment.findFirst({ where: { organizationId } })),
    Bill: first(await prisma.bill.findFirst({ where: { organizationId } })),
    Claim: first(await prisma.claim.findFirst({ where: { organizationId } })),
    Product: first(await prisma.product.findFirst({ where: { organizationId } })),
  };
  for (const [type, id] of Object.entries(found)) if (id) samples.set(type as IdentifiedType, id);
  const subscription = await server.gql(
    'mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }',
    { input: { url: 'http://localhost:9/fuzz', eventTypes: ['PATIENT'] } },
    { key },
  );
  expect(subscription.errors).toBeUndefined();
  samples.set('WebhookSubscription', subscription.data!.createWebhookSubscription.subscription.id);
  const lists = await server.gql('{ patients(first: 1) { edges { cursor } } providers(first: 1) { edges { cursor } } }', {}, { key });
  cursors.patients = lists.data!.patients.edges[0].cursor;
  cursors.providers = lists.data!.providers.edges[0].cursor;
}, 120_000);
afterAll(() => server?.close());

type AnyField = GraphQLField<unknown, unknown>;

const idOf = (target: IdTarget): string => (target === 'any' ? samples.get('Patient')! : (samples.get(target) ?? newId(target)));
/** A real id of a type other than the one expected. */
const otherTypesId = (target: IdentifiedType): string => (target === 'Patient' ? samples.get('Provider')! : samples.get('Patient')!);

const connectionNode = (field: AnyField): GraphQLObjectType | null => {
  const type = getNamedType(field.type);
  if (!isObjectType(type) || !type.getFields().pageInfo) return null;
  const node = getNamedType(type.getFields().nodes?.type ?? type);
  return isObjectType(node) ? node : null;
};

/** A valid value for a position, for the arguments beside the one fuzzed. */
function validValue(field: AnyField, path: string[], type: GraphQLInputType): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [validValue(field, path, inner.ofType)];
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((inputField) => isNonNullType(inputField.type))
        .map((inputField) => [inputField.name, validValue(field, [...path, inputField.name], inputField.type)]),
    );
  }
  if (isEnumType(inner)) return inner.getValues()[0]!.name;
  const target = idTypeAt(field, path);
  if (target) return idOf(target);
  if (inner.name === 'String') return path.at(-1) === 'document' ? '{ __typename }' : path.at(-1) === 'url' ? 'http://localhost:9/fuzz' : 'a';
  if (inner.name === 'Int') return 1;
  if (inner.name === 'Boolean') return true;
  if (inner.name === 'Date') return '2026-01-01';
  if (inner.name === 'DateTime') return '2026-01-01T00:00:00Z';
  if (inner.name === 'Decimal') return '1.00';
  return {};
}

/** A GraphQL literal of a JSON-like value for an input type (enums bare). */
function literal(value: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${(value as unknown[]).map((item) => literal(item, inner.ofType)).join(', ')}]`;
  if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    return `{ ${Object.entries(value as Record<string, unknown>).map(([name, item]) => `${name}: ${literal(item, fields[name]!.type)}`).join(', ')} }`;
  }
  if (isEnumType(inner)) return String(value);
  return JSON.stringify(value);
}

interface Case {
  label: string;
  value: unknown;
  /** The request refuses it (an error naming the argument), or answers it (a value at a bound). */
  refused: boolean;
  inline?: boolean;
}

const controlText = ['a\u0000b', 'x\u0001y', '\u007f', '\ud800', 'ab\udc00'];
const long = 'z'.repeat(40_000);
const nulCursor = Buffer.from(JSON.stringify({ o: 'lastName+,firstName+,id+', id: '\u0000' })).toString('base64url');

/** Hostile values for one position (a top-level argument or an input field), by its type and name. */
function hostileValues(field: AnyField, path: string[], type: GraphQLInputType, extensions: Readonly<Record<string, unknown>>): Case[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const name = path.at(-1)!;
  if (isListType(inner)) {
    const item = validValue(field, path, inner.ofType);
    return [
      ...hostileValues(field, path, inner.ofType, extensions).map((one) => ({ ...one, label: `[${one.label}]`, value: [one.value], inline: false })),
      { label: '101 items', value: Array.from({ length: 101 }, () => item), refused: true },
    ];
  }
  if (isInputObjectType(inner)) {
    const valid = validValue(field, path, inner) as Record<string, unknown>;
    return Object.values(inner.getFields()).flatMap((inputField) =>
      hostileValues(field, [...path, inputField.name], inputField.type, inputField.extensions).map((one) => ({
        ...one,
        label: `${inputField.name}: ${one.label}`,
        value: { ...valid, [inputField.name]: one.value },
        inline: false,
      })),
    );
  }
  // GraphQL string literals cannot spell a lone surrogate (a syntax error): those go as variables only.
  const text = (values: string[]): Case[] =>
    values.map((value, i) => ({ label: JSON.stringify(value.slice(0, 24)), value, refused: true, inline: i === 0 && !/[\ud800-\udfff]/.test(value) }));
  const boundedByRequest = extensions[boundedByRequestExtension] === true;
  const strings = text(boundedByRequest ? controlText : [...controlText, long]);
  if (isEnumType(inner)) {
    return [
      { label: 'NOPE', value: 'NOPE', refused: true },
      { label: 'stored value', value: inner.getValues()[0]!.name.toLowerCase(), refused: true },
      { label: 'a number', value: 7, refused: true },
    ];
  }
  if (!isScalarType(inner)) return [];
  const target = idTypeAt(field, path);
  if (target) {
    const ids: Case[] = [
      ...text(['', `${target === 'any' ? 'pat' : 'xyz'}_`, 'xyz_00000000000000000000', 'cGF0XzAwMDAwMDAwMDAwMDAwMDAwMDAw', 'pat_0000000000000000000\u0000', 'p'.repeat(2000)]),
      ...text(['\ud800']),
    ];
    return target === 'any' ? ids : [...ids, { label: "another type's id", value: otherTypesId(target), refused: true, inline: true }];
  }
  if (connectionNode(field) && (name === 'after' || name === 'before')) {
    const otherList = connectionNode(field)!.name === 'Provider' ? cursors.patients : cursors.providers;
    return [...text(['bm90IGEgY3Vyc29y', '!!!', nulCursor, otherList]), ...strings];
  }
  switch (inner.name) {
    case 'Int':
      return [
        { label: '-1', value: -1, refused: true, inline: true },
        { label: '101', value: 101, refused: true, inline: true },
        { label: '2^31', value: 2 ** 31, refused: true },
        { label: '1.5', value: 1.5, refused: true },
        { label: '"10"', value: '10', refused: true },
        { label: '0', value: 0, refused: false },
        { label: '100', value: 100, refused: false, inline: true },
      ];
    case 'Boolean':
      return [
        { label: '"true"', value: 'true', refused: true },
        { label: '1', value: 1, refused: true },
      ];
    case 'Date':
      return [...text(['2026-13-45', '2026-02-30', 'tomorrow', '2026-01-01T00:00:00Z', '\u0000']), { label: 'a number', value: 20260101, refused: true }];
    case 'DateTime':
      return [...text(['yesterday', '2026-01-01T25:00:00Z', '2026-02-30T00:00:00Z', '\u0000']), { label: 'a number', value: 1_700_000_000, refused: true }];
    case 'Decimal':
      return [...text(['1.234', 'NaN', '1e5', '\u0000']), { label: 'a float', value: 1.5, refused: true }];
    case 'JSON':
      return [
        { label: 'NUL inside', value: { v: 'a\u0000' }, refused: true },
        { label: 'surrogate inside', value: ['\ud800'], refused: true },
        ...strings.map((one) => ({ ...one, inline: false })),
      ];
    default:
      return strings;
  }
}

interface Step {
  field: AnyField;
  parent: GraphQLObjectType;
}

/** The shortest way from Query to each object type through object fields (connections through their nodes). */
function pathsToTypes(): Map<string, Step[]> {
  const query = schema.getQueryType()!;
  const paths = new Map<string, Step[]>([[query.name, []]]);
  const queue: GraphQLObjectType[] = [query];
  while (queue.length) {
    const type = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      const next = connectionNode(field) ?? getNamedType(field.type);
      if (!isObjectType(next) || paths.has(next.name)) continue;
      paths.set(next.name, [...paths.get(type.name)!, { field, parent: type }]);
      queue.push(next);
    }
  }
  return paths;
}

/** The required arguments of a step (and page size 1 on its connections), or of the target beside the fuzzed one, as literals. */
function otherArguments(field: AnyField, except?: string): string {
  return field.args
    .filter((arg) => arg.name !== except && (isNonNullType(arg.type) || (!except && arg.name === 'first' && connectionNode(field))))
    .map((arg) => `${arg.name}: ${literal(arg.name === 'first' ? 1 : validValue(field, [arg.name], arg.type), arg.type)}`)
    .join(', ');
}

function wrap(steps: Step[], inner: string): string {
  return steps.reduceRight((body, { field }) => {
    const args = otherArguments(field);
    const call = `${field.name}${args ? `(${args})` : ''}`;
    return connectionNode(field) ? `${call} { nodes { ${body} } }` : `${call} { ${body} }`;
  }, inner);
}

interface Request {
  argument: string;
  label: string;
  query: string;
  variables: Record<string, unknown>;
  refused: boolean;
  leaf: string;
  /** For an inline literal: where it starts (graphql-js's own validation messages locate a literal without naming its argument). */
  literalAt?: { line: number; column: number };
}

function requestsFor(parent: GraphQLObjectType, field: AnyField, arg: GraphQLArgument, steps: Step[], operation: 'query' | 'mutation'): Request[] {
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const others = otherArguments(field, arg.name);
  const argument = `${parent.name}.${field.name}(${arg.name})`;
  return hostileValues(field, [arg.name], arg.type, arg.extensions).flatMap((one) => {
    // The position the message must name: the argument, or its input field (`input.url`).
    const leaf = one.label.includes(': ') ? `${arg.name}.${one.label.split(': ')[0]!}` : arg.name;
    const call = (argText: string) => `target: ${field.name}(${[argText, others].filter(Boolean).join(', ')})${selection}`;
    const asVariable: Request = {
      argument,
      label: one.label,
      query: `${operation} Fuzz($${arg.name}: ${String(arg.type)}) { ${wrap(steps, call(`${arg.name}: $${arg.name}`))} }`,
      variables: { [arg.name]: one.value },
      refused: one.refused,
      leaf,
    };
    if (!one.inline) return [asVariable];
    const written = `${arg.name}: ${literal(one.value, arg.type)}`;
    const query = `${operation} Fuzz { ${wrap(steps, call(written))} }`;
    const literalAt = { line: 1, column: query.indexOf(written) + arg.name.length + 3 };
    return [asVariable, { ...asVariable, label: `${one.label} inline`, query, variables: {}, literalAt }];
  });
}

function allRequests(): { requests: Request[]; schemaArguments: Set<string> } {
  const paths = pathsToTypes();
  const requests: Request[] = [];
  const schemaArguments = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        schemaArguments.add(`${type.name}.${field.name}(${arg.name})`);
        if (!isObjectType(type)) continue;
        const isMutation = type === schema.getMutationType();
        const steps = isMutation ? [] : paths.get(type.name);
        if (!steps) continue;
        requests.push(...requestsFor(type, field, arg, steps, isMutation ? 'mutation' : 'query'));
      }
    }
  }
  return { requests, schemaArguments };
}

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; locations?: { line: number; column: number }[]; extensions?: { code?: string } }[];
}

/** What is wrong with an answer to a request, or null when it is what a caller relies on. */
function problemOf(request: Request, answer: Answer): string | null {
  if (answer.status >= 500) return `status ${answer.status}`;
  const errors = answer.errors ?? [];
  const internal = errors.find((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR');
  if (internal) return `INTERNAL_SERVER_ERROR: ${internal.message}`;
  const atTarget = errors.filter((error) => !error.path || error.path.at(-1) === 'target');
  const names = (error: NonNullable<Answer['errors']>[number]) =>
    ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED'].includes(error.extensions?.code ?? '') &&
    (error.message.includes(`"${request.leaf}`) ||
      error.message.includes(`$${request.leaf}`) ||
      (request.literalAt !== undefined && error.locations?.some((at) => at.line === request.literalAt!.line && at.column === request.literalAt!.column)));
  if (!request.refused) {
    // The change feed takes no `last` at all (it reads forward only), which it says naming the argument.
    const unexpected = errors.filter((error) => !(names(error) && /reads forward only/.test(error.message)));
    return unexpected.length ? `refused a value at its bound: ${unexpected[0]!.message}` : null;
  }
  const named = atTarget.find(names);
  if (!named) return errors.length ? `no BAD_USER_INPUT naming "${request.leaf}": ${errors.map((e) => `${e.extensions?.code} ${e.message}`).join(' | ').slice(0, 300)}` : 'accepted';
  return null;
}

describe('fuzz: every argument of every field, hostile values by type', () => {
  it('answers each with BAD_USER_INPUT naming the argument (never a 5xx or an internal error), and values at a bound with data', async () => {
    const { requests, schemaArguments } = allRequests();
    const covered = new Set<string>();
    const failures: string[] = [];
    let next = 0;
    const started = performance.now();
    const fetchAs = server.fetchAs({ key });
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const response = await fetchAs('http://yoga/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: request.query, variables: request.variables }),
          });
          const answer = { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
          const problem = problemOf(request, answer);
          if (problem) failures.push(`${request.argument} ${request.label}: ${problem}`);
          covered.add(request.argument);
        }
      }),
    );
    console.log(
      `fuzz: ${requests.length} requests in ${Math.round(performance.now() - started)} ms, ${covered.size} of ${schemaArguments.size} arguments covered, ${failures.length} failures`,
    );
    if (failures.length) console.log(failures.sort().join('\n'));
    expect(failures).toEqual([]);
    expect([...schemaArguments].filter((argument) => !covered.has(argument))).toEqual([]);
    // About 10 s alone on either database; the margin is for a loaded machine (the whole suite on two cores).
  }, 120_000);

  it('a wrong id fails only its field: null with BAD_USER_INPUT at its path, the rest of the data returns; the dry run names the same check', async () => {
    const document = `{ good: patient(id: "${samples.get('Patient')}") { id } bad: patient(id: "${samples.get('Provider')}") { id }
         patients(first: 1) { nodes { appointments(first: 1, after: "bm90IGEgY3Vyc29y") { totalCount } } } facilities(first: 1) { totalCount } }`;
    const answer = await server.gql(document, {}, { key });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ good: { id: samples.get('Patient') }, bad: null, patients: { nodes: [{ appointments: null }] } });
    expect((answer.data?.facilities as { totalCount: number }).totalCount).toBeGreaterThan(0);
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['bad'], 'BAD_USER_INPUT'],
      [['patients', 'nodes', 0, 'appointments'], 'BAD_USER_INPUT'],
    ]);
    const messages = answer.errors!.map((error) => error.message);
    expect(messages[0]).toBe(`"id" of patient must be a Patient id (pat_…); got "${samples.get('Provider')}".`);

    const dryRun = await server.gql('query ($document: String!) { authorize(document: $document) { valid errors { check message } } }', { document }, { key });
    expect(dryRun.data?.authorize).toEqual({ valid: false, errors: messages.map((message) => ({ check: 'ARGUMENTS', message })) });
  });
});
