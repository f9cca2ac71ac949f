import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface PatientPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  nodes: { id: string; firstName: string; lastName: string; mrn: string | null; email: string | null; phone: string | null }[];
}

const pageQuery = `query Page($first: Int, $after: String, $last: Int, $before: String, $search: String) {
  patients(first: $first, after: $after, last: $last, before: $before, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id firstName lastName mrn email phone }
  }
}`;

async function page(variables: Record<string, unknown>, org?: string): Promise<PatientPage> {
  const response = await server.gql<{ patients: PatientPage }>(pageQuery, variables, { org });
  expect(response.errors).toBeUndefined();
  return response.data!.patients;
}

async function expectedOrder(organizationId: string) {
  const rows = await server.db.prisma.patient.findMany({
    where: { organizationId },
    orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

describe('patients', () => {
  it('pages forward through every patient in name order, then backward to the same list', async () => {
    const clinic = server.clinics[0]!.id;
    const expected = await expectedOrder(clinic);
    const forward: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: PatientPage = await page({ first: 37, after });
      expect(result.totalCount).toBe(expected.length);
      expect(result.pageInfo.hasPreviousPage).toBe(after !== null);
      forward.push(...result.nodes.map((n) => n.id));
      pages++;
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(forward).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 37));

    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const result: PatientPage = await page({ last: 41, before });
      expect(result.pageInfo.hasNextPage).toBe(before !== null);
      backward.unshift(...result.nodes.map((n) => n.id));
      if (!result.pageInfo.hasPreviousPage) break;
      before = result.pageInfo.startCursor;
    }
    expect(backward).toEqual(expected);
  });

  it('caps pages at 100 and refuses more with a clear error', async () => {
    expect((await page({ first: 100 })).nodes).toHaveLength(100);
    const response = await server.gql(pageQuery, { first: 101 });
    expect(response.errors?.[0]?.message).toBe('"first" of patients must be between 0 and 100; got 101.');
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const both = await server.gql(pageQuery, { first: 1, last: 1 });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('searches name, MRN, email and phone, case-insensitively, word by word', async () => {
    const sample = await server.db.prisma.patient.findFirstOrThrow({
      where: { organizationId: server.clinics[0]!.id, mrn: { not: null }, email: { not: null }, phone: { not: null } },
      orderBy: { id: 'asc' },
    });
    const searches = [
      sample.lastName.toUpperCase(),
      `${sample.firstName} ${sample.lastName}`,
      sample.mrn!,
      sample.email!,
      sample.phone!,
    ];
    for (const search of searches) {
      const result = await page({ first: 100, search });
      expect(result.nodes.map((n) => n.id), search).toContain(sample.id);
      for (const node of result.nodes) {
        const haystack = [node.firstName, node.lastName, node.mrn, node.email, node.phone].join(' ').toLowerCase();
        for (const word of search.toLowerCase().split(/\s+/)) expect(haystack).toContain(word);
      }
    }
    expect((await page({ first: 10, search: 'zzz-no-such-patient' })).totalCount).toBe(0);
    const wildcard = await page({ first: 10, search: '%' });
    expect(wildcard.totalCount).toBe(0);
  });

  it('finds a patient by id, and another clinic\'s patient not at all, exactly like a nonexistent one', async () => {
    const own = await server.db.prisma.patient.findFirstOrThrow({ where: { organizationId: server.clinics[0]!.id } });
    const other = await server.db.prisma.patient.findFirstOrThrow({ where: { organizationId: server.clinics[1]!.id } });
    const query = 'query ($id: ID!) { patient(id: $id) { id lastName } }';
    expect((await server.gql(query, { id: own.id })).data).toEqual({ patient: { id: own.id, lastName: own.lastName } });
    const foreign = await server.gql(query, { id: other.id });
    const missing = await server.gql(query, { id: 'pat_00000000000000000000' });
    expect(foreign.data).toEqual({ patient: null });
    expect(foreign.errors).toBeUndefined();
    expect(missing.data).toEqual({ patient: null });
    expect(missing.errors).toBeUndefined();
    expect(foreign.status).toBe(missing.status);
  });

  it('refuses a malformed id or another type\'s id as BAD_USER_INPUT', async () => {
    for (const id of ['42', "pat_'; DROP TABLE", 'apt_00000000000000000000']) {
      const response = await server.gql('query ($id: ID!) { patient(id: $id) { id } }', { id });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain('Patient id (pat_…)');
    }
  });

  it('honours @include and @skip', async () => {
    const query = 'query ($withMrn: Boolean!) { patients(first: 1) { nodes { id mrn @include(if: $withMrn) email @skip(if: true) } } }';
    const response = await server.gql(query, { withMrn: false });
    expect(response.errors).toBeUndefined();
    expect(Object.keys(response.data?.patients.nodes[0])).toEqual(['id']);
  });

  it('serves dates as YYYY-MM-DD and timestamps as ISO-8601 UTC', async () => {
    const response = await server.gql('{ patients(first: 50) { nodes { dateOfBirth createdAt } } }');
    const nodes = response.data?.patients.nodes as { dateOfBirth: string | null; createdAt: string }[];
    expect(nodes.some((n) => n.dateOfBirth !== null)).toBe(true);
    for (const node of nodes) {
      if (node.dateOfBirth) expect(node.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(node.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });
});
