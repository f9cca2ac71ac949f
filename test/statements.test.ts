import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Runs a query and returns the SQL statements it sent (authentication and the PHI access record included). */
async function statementsOf(query: string): Promise<string[]> {
  const statements: string[] = [];
  // The key's last use and the scope-use counts are written off the request path, every few seconds:
  // on a slow machine one of those flushes can land inside the request, and is not the query's.
  const stop = server.db.onStatement((sql) => {
    if (!/^\s*(UPDATE|INSERT INTO)\s+("public"\.)?"(ApiKey|ScopeUsage)"/.test(sql)) statements.push(sql);
  });
  try {
    const response = await server.gql(query);
    expect(response.errors).toBeUndefined();
  } finally {
    stop();
  }
  return statements;
}

const threeLevels = (n: number) => `{
  patients(first: ${n}) { nodes { id appointments(first: 5) { nodes { id provider { id lastName } } } } }
}`;

const fourLevels = (n: number) => `{
  bills(first: ${n}) { nodes { id patient { lastName } facility { name }
    codingGroups { status diagnoses { code } lineItems { code modifiers { code } linkedDiagnoses { code } } }
    claims { claimStatus insurance { payerName } } } }
}`;

describe('SQL statements per request are bounded by the query\'s depth, not its rows', () => {
  it('3 levels: patients → appointments → provider', async () => {
    const ten = await statementsOf(threeLevels(10));
    const hundred = await statementsOf(threeLevels(100));
    expect(hundred.length).toBe(ten.length);
    // authentication, patients page, appointments of all patients, providers of all appointments, access record
    expect(hundred.length).toBeLessThanOrEqual(5);
  });

  it('4 levels: bills → coding groups → line items → modifiers and linked diagnoses, with claims and insurance', async () => {
    const ten = await statementsOf(fourLevels(10));
    const hundred = await statementsOf(fourLevels(100));
    expect(hundred.length).toBe(ten.length);
    expect(hundred.length).toBeLessThanOrEqual(12);
  });

  it('totalCount on nested connections is one statement for all parents', async () => {
    const ten = await statementsOf('{ patients(first: 10) { totalCount nodes { appointments(first: 2) { totalCount } claims(first: 1) { totalCount } } } }');
    const hundred = await statementsOf('{ patients(first: 100) { totalCount nodes { appointments(first: 2) { totalCount } claims(first: 1) { totalCount } } } }');
    expect(hundred.length).toBe(ten.length);
    expect(hundred.length).toBeLessThanOrEqual(8);
  });

  it('node lookups batch: nodes of 100 ids of mixed types is one statement per type', async () => {
    const patients = await server.db.prisma.patient.findMany({ where: { organizationId: server.clinics[0]!.id }, take: 50, select: { id: true } });
    const appointments = await server.db.prisma.appointment.findMany({ where: { organizationId: server.clinics[0]!.id }, take: 50, select: { id: true } });
    const ids = [...patients, ...appointments].map((r) => JSON.stringify(r.id)).join(',');
    const statements = await statementsOf(`{ nodes(ids: [${ids}]) { id } }`);
    expect(statements.length).toBeLessThanOrEqual(4);
  });
});
