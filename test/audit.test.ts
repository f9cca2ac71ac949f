import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOfType } from '../src/scopes.js';
import { createApp } from '../src/yoga.js';
import { startTestServer, type GraphQLResponse, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let ids: SampleIds;
beforeAll(async () => {
  server = await startTestServer();
  ids = await sampleIds(server.db.prisma, server.clinics[0]!.id);
});
afterAll(() => server.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The audit records the request that produced `response` wrote (found by its trace id). */
async function recordsOf(response: GraphQLResponse) {
  const traceId = response.headers.get('x-trace-id');
  expect(traceId).toBeTruthy();
  return server.db.prisma.phiAccess.findMany({ where: { traceId: traceId! } });
}

async function recordOf(response: GraphQLResponse) {
  expect(response.errors).toBeUndefined();
  const records = await recordsOf(response);
  expect(records).toHaveLength(1);
  return records[0]!;
}

const patientsOf = async (table: 'appointment' | 'bill' | 'claim', rowIds: string[]) => {
  const rows = await (server.db.prisma[table] as unknown as { findMany(args: object): Promise<{ patientId: string }[]> }).findMany({
    where: { id: { in: rowIds } },
    select: { patientId: true },
  });
  return [...new Set(rows.map((row) => row.patientId))].sort();
};

describe('PHI access audit', () => {
  it('records a patient list: who, which clinic, what operation, which patients and which fields', async () => {
    const query = 'query RecallList { patients(first: 7) { nodes { id first: firstName lastName } } }';
    const response = await server.gql(query);
    const record = await recordOf(response);
    const returned = (response.data!.patients.nodes as { id: string }[]).map((p) => p.id);
    const demo = await server.db.prisma.apiKey.findFirstOrThrow({ where: { app: { slug: 'clinicgraph-demo' } }, include: { app: true } });
    const installation = await server.db.prisma.installationRecord.findFirstOrThrow({
      where: { appId: demo.appId, organizationId: server.clinics[0]!.id },
    });
    expect(record).toMatchObject({
      organizationId: server.clinics[0]!.id,
      appId: demo.appId,
      apiKeyId: demo.id,
      installationId: installation.id,
      operationName: 'RecallList',
      documentHash: sha256(query),
      traceId: response.headers.get('x-trace-id'),
      patientIds: [...returned].sort(),
      // Field names, not the aliases the app chose; list indices collapsed.
      fieldPaths: ['patients.nodes.firstName', 'patients.nodes.id', 'patients.nodes.lastName'],
    });
    expect(Date.now() - record.createdAt.getTime()).toBeLessThan(60_000);
  });

  it('records appointments, bills and claims with the patients they belong to', async () => {
    const appointments = await server.gql('{ appointments(first: 6) { nodes { id status scheduledStartDate } } }');
    const appointmentIds = (appointments.data!.appointments.nodes as { id: string }[]).map((a) => a.id);
    expect(await recordOf(appointments)).toMatchObject({
      patientIds: await patientsOf('appointment', appointmentIds),
      fieldPaths: ['appointments.nodes.id', 'appointments.nodes.scheduledStartDate', 'appointments.nodes.status'],
    });

    const bills = await server.gql(`{ bills(first: 4) { totalCount nodes { id billNumber
      codingGroups { status diagnoses { code } lineItems { code charge modifiers { code } linkedDiagnoses { code } } } } } }`);
    const billIds = (bills.data!.bills.nodes as { id: string }[]).map((b) => b.id);
    expect(await recordOf(bills)).toMatchObject({
      patientIds: await patientsOf('bill', billIds),
      fieldPaths: [
        'bills.nodes.billNumber',
        'bills.nodes.codingGroups',
        'bills.nodes.codingGroups.diagnoses',
        'bills.nodes.codingGroups.diagnoses.code',
        'bills.nodes.codingGroups.lineItems',
        'bills.nodes.codingGroups.lineItems.charge',
        'bills.nodes.codingGroups.lineItems.code',
        'bills.nodes.codingGroups.lineItems.linkedDiagnoses',
        'bills.nodes.codingGroups.lineItems.linkedDiagnoses.code',
        'bills.nodes.codingGroups.lineItems.modifiers',
        'bills.nodes.codingGroups.lineItems.modifiers.code',
        'bills.nodes.codingGroups.status',
        'bills.nodes.id',
        'bills.totalCount',
      ],
    });

    const claims = await server.gql('{ claims(first: 5) { edges { cursor node { id claimStatus insurance { payerName memberId } } } } }');
    const claimIds = (claims.data!.claims.edges as { node: { id: string } }[]).map((e) => e.node.id);
    expect(await recordOf(claims)).toMatchObject({
      patientIds: await patientsOf('claim', claimIds),
      fieldPaths: [
        'claims.edges.cursor',
        'claims.edges.node.claimStatus',
        'claims.edges.node.id',
        'claims.edges.node.insurance',
        'claims.edges.node.insurance.memberId',
        'claims.edges.node.insurance.payerName',
      ],
    });
  });

  it('records a fragment used in two places at both', async () => {
    const response = await server.gql(`fragment Name on Patient { firstName }
      query Both { patients(first: 2) { nodes { ...Name } } appointments(first: 2) { nodes { patient { ...Name } } } }`);
    const appointments = (response.data!.appointments.nodes as { patient: unknown }[]).length;
    expect(appointments).toBe(2);
    expect(await recordOf(response)).toMatchObject({
      fieldPaths: ['appointments.nodes.patient', 'appointments.nodes.patient.firstName', 'patients.nodes.firstName'],
    });
  });

  it("resolves a part reached on its own (a modifier, a coding group, an insurance entry) to its patient", async () => {
    const bill = await server.db.prisma.bill.findUniqueOrThrow({ where: { id: ids.bill } });
    const modifier = await server.db.prisma.lineItemModifier.findUniqueOrThrow({
      where: { id: ids.modifier },
      include: { lineItem: { include: { codingGroup: { include: { bill: true } } } } },
    });
    const insurance = await server.db.prisma.claimInsurance.findUniqueOrThrow({ where: { id: ids.insurance }, include: { claim: true } });
    const response = await server.gql(`query Parts {
      group: node(id: "${ids.codingGroup}") { ... on CodingGroup { status } }
      modifier: node(id: "${ids.modifier}") { ... on LineItemModifier { code } }
      insurance: node(id: "${ids.insurance}") { ... on ClaimInsurance { payerName } }
    }`);
    expect(await recordOf(response)).toMatchObject({
      patientIds: [...new Set([bill.patientId, modifier.lineItem.codingGroup.bill.patientId, insurance.claim.patientId])].sort(),
      fieldPaths: ['node.code', 'node.payerName', 'node.status'],
    });
  });

  it('records only what was returned: rows a scope denied, and fields it nulled, are not in the record', async () => {
    const claim = await server.db.prisma.claim.findFirstOrThrow({
      where: { organizationId: server.clinics[0]!.id, patientId: { not: ids.patient } },
    });
    const patientsOnly = await server.keyWith({ keyScopes: [scopeOfType.Patient] });
    const nodes = await server.gql(`{ nodes(ids: ["${ids.patient}", "${claim.id}"]) { id ... on Claim { claimStatus } } }`, {}, { key: patientsOnly });
    expect(nodes.data?.nodes).toEqual([{ id: ids.patient }, null]);
    const [record] = await recordsOf(nodes);
    expect(record).toMatchObject({ patientIds: [ids.patient], fieldPaths: ['nodes.id'] });

    const appointmentsOnly = await server.keyWith({ keyScopes: [scopeOfType.Appointment] });
    const appointments = await server.gql('{ appointments(first: 3) { nodes { id status patient { firstName } } } }', {}, { key: appointmentsOnly });
    expect(appointments.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    const appointmentIds = (appointments.data!.appointments.nodes as { id: string }[]).map((a) => a.id);
    const [partial] = await recordsOf(appointments);
    // The appointments are the patients' data; the patients' own fields were withheld.
    expect(partial).toMatchObject({
      patientIds: await patientsOf('appointment', appointmentIds),
      fieldPaths: ['appointments.nodes.id', 'appointments.nodes.status'],
    });
  });

  it('writes no record for requests that return no patient-bearing data', async () => {
    for (const query of [
      '{ products(first: 5) { nodes { id name } } }',
      '{ me { app { slug } } }',
      '{ providers(first: 3) { nodes { lastName } } }',
      `{ authorize(document: "{ patients { nodes { id } } }") { missingScopes } }`,
      '{ __schema { types { name } } }',
    ]) {
      const response = await server.gql(query);
      expect(response.errors, query).toBeUndefined();
      expect(await recordsOf(response), query).toEqual([]);
    }
    const denied = await server.gql('{ patients(first: 3) { nodes { id } } }', {}, { key: await server.keyWith({ keyScopes: [scopeOfType.Product] }) });
    expect(denied.data).toEqual({ patients: null });
    expect(await recordsOf(denied)).toEqual([]);
  });

  it('writes one statement per request, however many rows it returned', async () => {
    const statements: string[] = [];
    const stop = server.db.onStatement((sql) => statements.push(sql));
    try {
      const response = await server.gql(`{ patients(first: 100) { nodes { id appointments(first: 5) { nodes { status } } bills(first: 3) { nodes { billNumber } } } } }`);
      expect(response.errors).toBeUndefined();
    } finally {
      stop();
    }
    expect(statements.filter((sql) => sql.includes('"PhiAccess"'))).toHaveLength(1);
  });

  it('refuses to answer when the record cannot be written: an error and no data, and other requests unaffected', async () => {
    const logLines: string[] = [];
    const logged = createApp({ db: server.db, hardening: { logLevel: 'info', logDestination: { write: (line: string) => void logLines.push(line) } } });
    await server.db.prisma.$executeRawUnsafe('ALTER TABLE "PhiAccess" RENAME TO "PhiAccess_unavailable"');
    try {
      const response = await server.gql('{ patients(first: 2) { nodes { id firstName } } }', {}, { app: logged });
      // The operator learns it from the JSON log, under the response's trace id, and no patient data with it.
      const withheld = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'PHI record not written: response withheld');
      expect(withheld).toHaveLength(1);
      expect(withheld[0]).toMatchObject({ level: 50, traceId: response.headers.get('x-trace-id') });
      expect(logLines.join('\n')).not.toMatch(/pat_|firstName/);
      expect(response.status).toBe(503);
      expect(response.data).toBeUndefined();
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]!.message).toMatch(/access record could not be saved, so no data was returned/);
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'AUDIT_UNAVAILABLE', traceId: response.headers.get('x-trace-id') });
      expect(response.headers.get('retry-after')).toBe('5');
      expect(JSON.stringify(response)).not.toContain('firstName');

      const products = await server.gql('{ products(first: 1) { nodes { name } } }');
      expect(products.errors).toBeUndefined();
      expect(products.data?.products.nodes).toHaveLength(1);
    } finally {
      await server.db.prisma.$executeRawUnsafe('ALTER TABLE "PhiAccess_unavailable" RENAME TO "PhiAccess"');
      await logged.close();
    }
  });

  it('records the patient whose existence an answer confirms, with nothing but __typename selected', async () => {
    const patient = await server.gql(`{ patient(id: "${ids.patient}") { __typename } }`);
    expect(patient.data).toEqual({ patient: { __typename: 'Patient' } });
    expect(await recordOf(patient)).toMatchObject({ patientIds: [ids.patient], fieldPaths: ['patient.__typename'] });

    const bill = await server.db.prisma.bill.findUniqueOrThrow({ where: { id: ids.bill } });
    const viaNodes = await server.gql(`{ nodes(ids: ["${ids.appointment}", "${ids.lineItem}"]) { __typename } }`);
    const appointment = await server.db.prisma.appointment.findUniqueOrThrow({ where: { id: ids.appointment } });
    const lineItem = await server.db.prisma.lineItem.findUniqueOrThrow({ where: { id: ids.lineItem }, include: { codingGroup: { include: { bill: true } } } });
    expect(await recordOf(viaNodes)).toMatchObject({
      patientIds: [...new Set([appointment.patientId, lineItem.codingGroup.bill.patientId])].sort(),
      fieldPaths: ['nodes.__typename'],
    });

    const billPatient = await server.gql(`{ bill(id: "${ids.bill}") { patient { id } } }`);
    expect(await recordOf(billPatient)).toMatchObject({ patientIds: [bill.patientId], fieldPaths: ['bill.patient', 'bill.patient.id'] });

    // Not found in this clinic: the answer is the same for any id, so it reveals no patient and writes no record.
    const missing = await server.gql('{ patient(id: "pat_000000000000000000000000") { __typename } }');
    expect(missing.data).toEqual({ patient: null });
    expect(await recordsOf(missing)).toEqual([]);
  });

  it('records the patients a cursor positions: the last one for endCursor, every one for edge cursors', async () => {
    const page = await server.gql<{ patients: { nodes: { id: string }[] } }>('{ patients(first: 4) { nodes { id } } }');
    const pageIds = page.data!.patients.nodes.map((p) => p.id);
    const end = await server.gql('{ patients(first: 4) { pageInfo { endCursor hasNextPage } } }');
    expect(await recordOf(end)).toMatchObject({
      patientIds: [pageIds[3]],
      fieldPaths: ['patients.pageInfo.endCursor', 'patients.pageInfo.hasNextPage'],
    });
    const cursors = await server.gql('{ patients(first: 4) { edges { cursor } } }');
    expect(await recordOf(cursors)).toMatchObject({ patientIds: [...pageIds].sort(), fieldPaths: ['patients.edges.cursor'] });
    // How many patients the clinic has, or whether there are more: about no patient in particular.
    const count = await server.gql('{ patients(first: 4) { totalCount pageInfo { hasNextPage } } }');
    expect(await recordOf(count)).toMatchObject({ patientIds: [], fieldPaths: ['patients.pageInfo.hasNextPage', 'patients.totalCount'] });
  });

  it('records that a patient search was made, on which list, with how many matches, and never the search text', async () => {
    const patient = await server.db.prisma.patient.findFirstOrThrow({ where: { organizationId: server.clinics[0]!.id, phone: { not: null } }, orderBy: { id: 'asc' } });
    const phone = patient.phone!;
    const inline = await server.gql(`{ patients(search: "${phone}") { totalCount } }`);
    const total = (inline.data!.patients as { totalCount: number }).totalCount;
    expect(total).toBeGreaterThanOrEqual(1);
    const record = await recordOf(inline);
    expect(record).toMatchObject({ patientIds: [], fieldPaths: ['patients.totalCount'], searches: [{ list: 'patients', arguments: ['search'], totalCount: total, returned: null }] });
    expect(JSON.stringify(record)).not.toContain(phone);
    // Nor a hash a guess could be checked against: the same document with another number hashes the same.
    expect(record.documentHash).not.toBe(sha256(`{ patients(search: "${phone}") { totalCount } }`));
    const otherNumber = await recordOf(await server.gql('{ patients(search: "555-0000") { totalCount } }'));
    expect(otherNumber.documentHash).toBe(record.documentHash);

    const none = await server.gql('query Probe($q: String) { patients(search: $q, first: 5) { nodes { id } } }', { q: 'no such person zzqx' });
    expect(none.data).toEqual({ patients: { nodes: [] } });
    const probe = await recordOf(none);
    expect(probe).toMatchObject({ patientIds: [], fieldPaths: [], searches: [{ list: 'patients', arguments: ['search'], totalCount: null, returned: 0 }] });
    expect(JSON.stringify(probe)).not.toContain('zzqx');

    const found = await server.gql(`query Find($q: String) { patients(search: $q, first: 5) { nodes { id } } }`, { q: phone });
    const foundIds = (found.data!.patients as { nodes: { id: string }[] }).nodes.map((p) => p.id);
    expect(foundIds).toContain(patient.id);
    expect(await recordOf(found)).toMatchObject({ patientIds: [...foundIds].sort(), searches: [{ list: 'patients', returned: foundIds.length }] });
  });

  it('records the patient a filter names: counts and empty lists of one patient are facts about that patient', async () => {
    const appointments = await server.gql(`{ appointments(patientId: "${ids.patient}") { totalCount } }`);
    expect(await recordOf(appointments)).toMatchObject({ patientIds: [ids.patient], fieldPaths: ['appointments.totalCount'] });

    const bill = await server.db.prisma.bill.findUniqueOrThrow({ where: { id: ids.bill } });
    const claims = await server.gql(`{ claims(billId: "${ids.bill}", first: 1) { pageInfo { hasNextPage } } }`);
    expect(await recordOf(claims)).toMatchObject({ patientIds: [bill.patientId], fieldPaths: ['claims.pageInfo.hasNextPage'] });

    // A patient of the other clinic is no patient of this one: the database confirms each filter's id in the caller's clinic.
    const other = await server.db.prisma.patient.findFirstOrThrow({ where: { organizationId: server.clinics[1]!.id } });
    const foreign = await server.gql(`{ appointments(patientId: "${other.id}") { totalCount } }`);
    expect((foreign.data!.appointments as { totalCount: number }).totalCount).toBe(0);
    expect(await recordOf(foreign)).toMatchObject({ patientIds: [], fieldPaths: ['appointments.totalCount'] });
  });

  it('honours @skip and @include per request on one document, and translates aliases', async () => {
    const query = 'query Names($full: Boolean!) { people: patients(first: 2) { list: nodes { id given: firstName @include(if: $full) lastName @skip(if: $full) } } }';
    const full = await server.gql(query, { full: true });
    expect(await recordOf(full)).toMatchObject({ fieldPaths: ['patients.nodes.firstName', 'patients.nodes.id'] });
    const short = await server.gql(query, { full: false });
    expect(await recordOf(short)).toMatchObject({ fieldPaths: ['patients.nodes.id', 'patients.nodes.lastName'] });
  });

  it("counts each installation's scope use per day, for every authorized request, and keeps it across close", async () => {
    const key = await server.keyWith({ keyScopes: [scopeOfType.Patient, scopeOfType.Product, scopeOfType.Bill, scopeOfType.Me] });
    const caller = await server.gql<{ me: { installation: { id: string } } }>('{ me { installation { id } } }', {}, { key });
    await server.gql('{ patients(first: 1) { nodes { id } } }', {}, { key });
    await server.gql('{ patients(first: 1) { totalCount } products(first: 1) { nodes { name } } }', {}, { key });
    await server.gql('{ bills(first: 1) { nodes { id } } }', {}, { key: await server.keyWith({ keyScopes: [scopeOfType.Bill] }) });
    await server.app.close();
    const usage = await server.db.prisma.scopeUsage.findMany({ where: { installationId: caller.data!.me.installation.id } });
    const today = new Date().toISOString().slice(0, 10);
    expect(
      Object.fromEntries(usage.map((row) => [row.scope, { day: row.day.toISOString().slice(0, 10), requests: row.requests }])),
    ).toEqual({
      [scopeOfType.Patient]: { day: today, requests: 2 },
      [scopeOfType.Product]: { day: today, requests: 1 },
      [scopeOfType.Me]: { day: today, requests: 1 },
    });
  });
});
