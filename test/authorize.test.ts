import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOfType } from '../src/scopes.js';
import { startTestServer, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let ids: SampleIds;
beforeAll(async () => {
  server = await startTestServer();
  ids = await sampleIds(server.db.prisma, server.clinics[0]!.id);
});
afterAll(() => server.close());

const authorizeQuery = `query Check($document: String!, $variables: JSON, $operationName: String) {
  authorize(document: $document, variables: $variables, operationName: $operationName) {
    valid allowed operationName requiredScopes missingScopes cost
    requirements { scope title held reason paths }
    errors { message check limit { name max actual } locations { line column } }
  }
}`;

interface Authorization {
  valid: boolean;
  allowed: boolean;
  operationName: string | null;
  requiredScopes: string[];
  missingScopes: string[];
  cost: number | null;
  requirements: { scope: string; title: string; held: boolean; reason: string | null; paths: string[] }[];
  errors: { message: string; check: string; limit: { name: string; max: number; actual: number | null } | null; locations: { line: number; column: number }[] }[];
}

async function authorize(document: string, options: { key?: string; variables?: unknown; operationName?: string } = {}) {
  const response = await server.gql<{ authorize: Authorization }>(
    authorizeQuery,
    { document, variables: options.variables, operationName: options.operationName },
    { key: options.key },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.authorize;
}

const fourResources = `query FrontDesk {
  patients(first: 20) { nodes { id firstName lastName } }
  appointments(first: 50) { nodes { id status scheduledStartDate } }
  bills(first: 10) { nodes { billNumber codingGroups { diagnoses { code } } } }
  claims(first: 10) { nodes { claimStatus insurance { payerName } } }
  products(first: 5) { nodes { name } }
}`;

describe('authorize: the dry run', () => {
  it('names every missing scope of an operation that touches four resources, and where each is needed', async () => {
    const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
    const result = await authorize(fourResources, { key: productsOnly });
    expect(result).toMatchObject({ valid: true, allowed: false, operationName: 'FrontDesk', errors: [] });
    const four = [scopeOfType.Patient, scopeOfType.Appointment, scopeOfType.Bill, scopeOfType.Claim];
    expect(result.missingScopes).toEqual(four);
    expect(result.requiredScopes).toEqual([...four, scopeOfType.Product]);
    expect(result.requirements.map((r) => [r.scope, r.held, r.paths])).toEqual([
      [scopeOfType.Patient, false, ['patients']],
      [scopeOfType.Appointment, false, ['appointments']],
      [scopeOfType.Bill, false, ['bills']],
      [scopeOfType.Claim, false, ['claims']],
      [scopeOfType.Product, true, ['products']],
    ]);
    for (const requirement of result.requirements) expect(Boolean(requirement.reason)).toBe(!requirement.held);
    expect(result.cost).toBeGreaterThan(0);
  });

  it('runs nothing: no clinic data is read and no access is recorded', async () => {
    const statements: string[] = [];
    const stop = server.db.onStatement((sql) => statements.push(sql));
    let traceId: string | null;
    try {
      const response = await server.gql(authorizeQuery, { document: fourResources });
      expect(response.data?.authorize.allowed).toBe(true);
      traceId = response.headers.get('x-trace-id');
    } finally {
      stop();
    }
    expect(statements.filter((sql) => /"(Patient|Appointment|Bill|Claim|Product|PhiAccess)"/.test(sql))).toEqual([]);
    expect(await server.db.prisma.phiAccess.count({ where: { traceId: traceId! } })).toBe(0);
  });

  it('says why each scope is missing: not declared by the app, not granted by the clinic, or not in the key', async () => {
    const key = await server.keyWith({
      declared: [scopeOfType.Product, scopeOfType.Patient, scopeOfType.Bill],
      grant: [scopeOfType.Product, scopeOfType.Patient],
      keyScopes: [scopeOfType.Product],
    });
    const result = await authorize('{ patients { totalCount } bills { totalCount } claims { totalCount } }', { key });
    const reasons = Object.fromEntries(result.requirements.map((r) => [r.scope, r.reason]));
    expect(reasons[scopeOfType.Patient]).toMatch(/API key does not carry/);
    expect(reasons[scopeOfType.Bill]).toMatch(/clinic has not granted/);
    expect(reasons[scopeOfType.Claim]).toMatch(/does not declare/);
  });

  it('follows fragments, nested relations and the ids given to node and nodes', async () => {
    const result = await authorize(
      `query Chart($id: ID!, $ids: [ID!]!) {
        node(id: $id) { id }
        nodes(ids: $ids) { id }
        appointments(first: 2) { nodes { ...Visit } }
      }
      fragment Visit on Appointment { status patient { lastName } provider { lastName } }`,
      { variables: { id: ids.claim, ids: [ids.product, ids.facility] } },
    );
    expect(result.valid).toBe(true);
    expect(result.requiredScopes).toEqual([
      scopeOfType.Patient,
      scopeOfType.Appointment,
      scopeOfType.Provider,
      scopeOfType.Facility,
      scopeOfType.Claim,
      scopeOfType.Product,
    ]);
    expect(result.requirements.find((r) => r.scope === scopeOfType.Patient)?.paths).toEqual(['appointments.nodes.patient']);
    expect(result.missingScopes).toEqual([]);
    expect(result.allowed).toBe(true);
  });

  it('reports syntax, validation, variable and operation errors with their locations, without failing the request', async () => {
    const syntax = await authorize('{ patients { nodes { id } }');
    expect(syntax.valid).toBe(false);
    expect(syntax.errors[0]!.message).toMatch(/Syntax Error/);
    expect(syntax.errors[0]!.locations[0]!.line).toBe(1);

    const unknown = await authorize('{ patients { nodes { id shoeSize } } }');
    expect(unknown).toMatchObject({ valid: false, allowed: false, cost: null, requiredScopes: [scopeOfType.Patient] });
    expect(unknown.errors.map((e) => e.message)).toEqual(['Cannot query field "shoeSize" on type "Patient".']);

    const variables = await authorize('query ($id: ID!) { patient(id: $id) { id } }', { variables: {} });
    expect(variables.valid).toBe(false);
    expect(variables.errors[0]!.message).toMatch(/\$id/);

    const two = 'query A { products { totalCount } } query B { patients { totalCount } }';
    expect((await authorize(two)).errors[0]!.message).toMatch(/2 operations; pass operationName/);
    expect(await authorize(two, { operationName: 'B' })).toMatchObject({ valid: true, operationName: 'B', requiredScopes: [scopeOfType.Patient] });
  });

  it('counts cost by page sizes, and takes long documents', async () => {
    const small = await authorize('{ patients(first: 5) { nodes { id appointments(first: 2) { nodes { id } } } } }');
    const large = await authorize('{ patients(first: 50) { nodes { id appointments(first: 20) { nodes { id } } } } }');
    expect(large.cost!).toBeGreaterThan(small.cost! * 10);

    const long = `query Long { ${Array.from({ length: 25 }, (_, i) => `p${i}: patients(first: 1) { nodes { id firstName lastName email phone mrn gender middleName } }`).join(' ')} }`;
    expect(long.length).toBeGreaterThan(2000);
    expect(await authorize(long)).toMatchObject({ valid: true, requiredScopes: [scopeOfType.Patient] });
  });

  it("costs what the README says, __typename or not: the README's example as Apollo sends it costs 4,201", async () => {
    const readme = '{ patients(first: 100) { nodes { appointments(first: 20) { nodes { provider { id } } } } } }';
    const apollo =
      '{ patients(first: 100) { __typename nodes { __typename appointments(first: 20) { __typename nodes { __typename provider { __typename id } } } } } }';
    expect((await authorize(readme)).cost).toBe(4201);
    expect(await authorize(apollo)).toMatchObject({ valid: true, cost: 4201 });
    const executed = await server.gql(apollo);
    expect(executed.errors).toBeUndefined();
    expect(executed.extensions?.cost).toEqual({ requested: 4201, limit: 5000 });
  });
});

/** What the server answers: the name of the limit that refused, or null when the operation ran. */
async function executionRefusal(document: string, variables?: Record<string, unknown>): Promise<string | null> {
  const response = await server.gql(document, variables);
  if (response.data) return null;
  const error = response.errors![0]!;
  return (error.extensions?.limit as { name: string } | undefined)?.name ?? 'error';
}

describe('authorize runs the checks execution runs', () => {
  const cases: [string, string, Record<string, unknown> | undefined, string | null][] = [
    ['within every limit', '{ patients(first: 10) { nodes { id appointments(first: 5) { nodes { id } } } } }', undefined, null],
    ['over the cost limit (20,201)', '{ patients(first: 100) { nodes { appointments(first: 100) { nodes { provider { id } } } } } }', undefined, 'cost'],
    ['over the cost limit through variables', 'query ($n: Int) { patients(first: $n) { nodes { appointments(first: $n) { nodes { id } } } } }', { n: 100 }, 'cost'],
    ['too deep', '{ me { app { id } } patients { nodes { appointments { nodes { patient { appointments { nodes { patient { appointments { nodes { patient { id } } } } } } } } } } } }', undefined, 'depth'],
    ['too many aliases', `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`, undefined, 'aliases'],
    ['too many directives', `{ me { ${Array.from({ length: 11 }, () => 'scopes @include(if: true)').join(' ')} } }`, undefined, 'directives'],
    ['too many tokens', `{ me { ${'scopes '.repeat(5001)}} }`, undefined, 'tokens'],
  ];
  for (const [name, document, variables, refusal] of cases) {
    it(`${name}: ${refusal ?? 'runs'}, in the dry run and on execution`, async () => {
      expect(await executionRefusal(document, variables)).toBe(refusal);
      const result = await authorize(document, { variables });
      expect(result.valid).toBe(refusal === null);
      if (refusal) {
        expect(result.errors[0]).toMatchObject({ check: refusal.toUpperCase(), limit: { name: refusal } });
      }
    });
  }

  it('names the check for syntax, validation, operation and variable errors', async () => {
    expect((await authorize('{ patients { nodes { id } }')).errors[0]!.check).toBe('PARSE');
    expect((await authorize('{ patients { nodes { shoeSize } } }')).errors[0]!.check).toBe('VALIDATION');
    expect((await authorize('query A { me { scopes } } query B { me { scopes } }')).errors[0]!.check).toBe('OPERATION');
    expect((await authorize('query ($id: ID!) { patient(id: $id) { id } }', { variables: {} })).errors[0]!.check).toBe('VARIABLES');
    expect((await authorize('{ patients(search: "' + 'x'.repeat(1001) + '") { totalCount } }')).errors[0]!.check).toBe('ARGUMENTS');
  });

  it('needs no scope beyond a valid key', async () => {
    const noScopes = await server.keyWith({ keyScopes: [] });
    const result = await authorize('{ products { totalCount } }', { key: noScopes });
    expect(result).toMatchObject({ valid: true, allowed: false, missingScopes: [scopeOfType.Product] });
    const anonymous = await server.gql(authorizeQuery, { document: '{ products { totalCount } }' }, { key: null });
    expect(anonymous.status).toBe(401);
  });
});
