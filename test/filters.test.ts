import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { startTestServer, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let ids: SampleIds;
let prisma: PrismaClient;
let org: string;
beforeAll(async () => {
  server = await startTestServer();
  prisma = server.db.prisma;
  org = server.clinics[0]!.id;
  ids = await sampleIds(prisma, org);
});
afterAll(() => server.close());

interface ListCase {
  name: string;
  /** Root field and its filter arguments, as GraphQL. */
  field: string;
  args: (ids: SampleIds) => string;
  /** The same list computed straight from the database, in the order the API promises. */
  expected: (ids: SampleIds) => Promise<{ id: string }[]>;
}

const asc = 'asc' as const;
const desc = 'desc' as const;
const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

const cases: ListCase[] = [
  {
    name: 'appointments, default order',
    field: 'appointments',
    args: () => '',
    expected: () => prisma.appointment.findMany({ where: { organizationId: org }, orderBy: [{ scheduledStartDate: asc }, { id: asc }] }),
  },
  {
    name: 'appointments by date range and statuses, newest first',
    field: 'appointments',
    args: () => 'dateFrom: "2026-09-01", dateTo: "2026-11-30", statuses: [CONFIRMED, SCHEDULED], orderBy: { field: SCHEDULED_START, direction: DESC }',
    expected: () =>
      prisma.appointment.findMany({
        where: {
          organizationId: org,
          scheduledStartDate: { gte: day('2026-09-01'), lt: day('2026-12-01') },
          status: { in: ['confirmed', 'scheduled'] },
        },
        orderBy: [{ scheduledStartDate: desc }, { id: desc }],
      }),
  },
  {
    name: 'appointments by status order',
    field: 'appointments',
    args: (i) => `facilityId: "${i.facility}", orderBy: { field: STATUS, direction: ASC }`,
    expected: (i) =>
      prisma.appointment.findMany({
        where: { organizationId: org, facilityId: i.facility },
        orderBy: [{ status: asc }, { scheduledStartDate: asc }, { id: asc }],
      }),
  },
  {
    name: 'appointments of a patient',
    field: 'appointments',
    args: (i) => `patientId: "${i.patient}"`,
    expected: (i) => prisma.appointment.findMany({ where: { organizationId: org, patientId: i.patient }, orderBy: [{ scheduledStartDate: asc }, { id: asc }] }),
  },
  {
    name: 'appointments of a provider',
    field: 'appointments',
    args: (i) => `providerId: "${i.provider}", statuses: [COMPLETED]`,
    expected: (i) =>
      prisma.appointment.findMany({
        where: { organizationId: org, providerId: i.provider, status: 'completed' },
        orderBy: [{ scheduledStartDate: asc }, { id: asc }],
      }),
  },
  {
    name: 'providers by role, not hidden',
    field: 'providers',
    args: () => 'role: "Physician", hidden: false',
    expected: () =>
      prisma.provider.findMany({
        where: { organizationId: org, roles: { has: 'Physician' }, hidden: false },
        orderBy: [{ lastName: asc }, { firstName: asc }, { id: asc }],
      }),
  },
  {
    name: 'providers, hidden only',
    field: 'providers',
    args: () => 'hidden: true',
    expected: () => prisma.provider.findMany({ where: { organizationId: org, hidden: true }, orderBy: [{ lastName: asc }, { firstName: asc }, { id: asc }] }),
  },
  {
    name: 'facilities, visible',
    field: 'facilities',
    args: () => 'isVisible: true',
    expected: () => prisma.facility.findMany({ where: { organizationId: org, isVisible: true }, orderBy: [{ name: asc }, { id: asc }] }),
  },
  {
    name: 'bills of a facility in a date range',
    field: 'bills',
    args: (i) => `facilityId: "${i.facility}", dateFrom: "2026-06-01", dateTo: "2026-10-31"`,
    expected: (i) =>
      prisma.bill.findMany({
        where: { organizationId: org, facilityId: i.facility, dateOfService: { gte: day('2026-06-01'), lte: day('2026-10-31') } },
        orderBy: [{ dateOfService: desc }, { id: desc }],
      }),
  },
  {
    name: 'bills of a patient',
    field: 'bills',
    args: (i) => `patientId: "${i.patient}"`,
    expected: (i) => prisma.bill.findMany({ where: { organizationId: org, patientId: i.patient }, orderBy: [{ dateOfService: desc }, { id: desc }] }),
  },
  {
    name: 'claims by status',
    field: 'claims',
    args: () => 'status: PAID',
    expected: () => prisma.claim.findMany({ where: { organizationId: org, claimStatus: 'paid' }, orderBy: [{ dateOfService: desc }, { id: desc }] }),
  },
  {
    name: 'claims of a patient, of a bill, in a date range',
    field: 'claims',
    args: (i) => `patientId: "${i.patient}", dateFrom: "2025-01-01", dateTo: "2026-12-31"`,
    expected: (i) =>
      prisma.claim.findMany({
        where: { organizationId: org, patientId: i.patient, dateOfService: { gte: day('2025-01-01'), lte: day('2026-12-31') } },
        orderBy: [{ dateOfService: desc }, { id: desc }],
      }),
  },
  {
    name: 'claims of a bill',
    field: 'claims',
    args: (i) => `billId: "${i.bill}"`,
    expected: (i) => prisma.claim.findMany({ where: { organizationId: org, billId: i.bill }, orderBy: [{ dateOfService: desc }, { id: desc }] }),
  },
  {
    name: 'inventory changes of a facility',
    field: 'inventoryChanges',
    args: (i) => `facilityId: "${i.facility}"`,
    expected: (i) => prisma.inventoryChange.findMany({ where: { organizationId: org, facilityId: i.facility }, orderBy: [{ createdAt: desc }, { id: desc }] }),
  },
  {
    name: 'inventory changes by status and type',
    field: 'inventoryChanges',
    args: (i) => `facilityId: "${i.facility}", status: CLOSED, type: RECEIVING`,
    expected: (i) =>
      prisma.inventoryChange.findMany({
        where: { organizationId: org, facilityId: i.facility, status: 'closed', type: 'receiving' },
        orderBy: [{ createdAt: desc }, { id: desc }],
      }),
  },
  {
    name: 'stock levels of a facility',
    field: 'stockLevels',
    args: (i) => `facilityId: "${i.facility}"`,
    expected: (i) => prisma.stockLevel.findMany({ where: { organizationId: org, facilityId: i.facility }, orderBy: [{ productId: asc }, { id: asc }] }),
  },
  {
    name: 'stock level of one product',
    field: 'stockLevels',
    args: (i) => `facilityId: "${i.facility}", productId: "${i.product}"`,
    expected: (i) => prisma.stockLevel.findMany({ where: { organizationId: org, facilityId: i.facility, productId: i.product } }),
  },
  {
    name: 'products by type, active only',
    field: 'products',
    args: () => 'type: DRUG, archived: false',
    expected: () =>
      prisma.product.findMany({ where: { organizationId: org, type: 'drug', archivedAt: null }, orderBy: [{ name: asc }, { id: asc }] }),
  },
  {
    name: 'archived products',
    field: 'products',
    args: () => 'archived: true',
    expected: () => prisma.product.findMany({ where: { organizationId: org, archivedAt: { not: null } }, orderBy: [{ name: asc }, { id: asc }] }),
  },
];

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  nodes: { id: string }[];
}

async function walk(field: string, args: string, direction: 'forward' | 'backward', size: number, maxPages: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let totalCount = 0;
  for (let pages = 0; pages < maxPages; pages++) {
    const paging = direction === 'forward' ? `first: ${size}, after: $cursor` : `last: ${size}, before: $cursor`;
    const response: { errors?: readonly unknown[]; data?: Record<string, Page> | null } = await server.gql<Record<string, Page>>(
      `query ($cursor: String) { ${field}(${[args, paging].filter(Boolean).join(', ')}) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id } } }`,
      { cursor },
    );
    expect(response.errors, `${field}(${args})`).toBeUndefined();
    const page: Page = response.data![field]!;
    totalCount = page.totalCount;
    const ids = page.nodes.map((n: { id: string }) => n.id);
    if (direction === 'forward') seen.push(...ids);
    else seen.unshift(...ids);
    const more = direction === 'forward' ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
    if (!more) break;
    cursor = direction === 'forward' ? page.pageInfo.endCursor : page.pageInfo.startCursor;
  }
  return { seen, totalCount };
}

describe('filters and paging, against the demo data', () => {
  for (const listCase of cases) {
    it(`${listCase.name}: forward and backward pages match the database`, async () => {
      const expected = (await listCase.expected(ids)).map((row) => row.id);
      expect(expected.length, 'the demo data should exercise this filter').toBeGreaterThan(0);
      const size = Math.max(3, Math.ceil(expected.length / 4));
      const forward = await walk(listCase.field, listCase.args(ids), 'forward', Math.min(size, 100), 6);
      expect(forward.totalCount).toBe(expected.length);
      expect(forward.seen).toEqual(expected.slice(0, forward.seen.length));
      const backward = await walk(listCase.field, listCase.args(ids), 'backward', Math.min(size, 100), 6);
      expect(backward.seen).toEqual(expected.slice(expected.length - backward.seen.length));
      if (expected.length <= 400) {
        expect(forward.seen).toEqual(expected);
        expect(backward.seen).toEqual(expected);
      }
    });
  }

  it('searches providers, facilities and products by name and identifiers', async () => {
    const provider = await prisma.provider.findFirstOrThrow({ where: { organizationId: org }, orderBy: { id: 'asc' } });
    const facility = await prisma.facility.findFirstOrThrow({ where: { organizationId: org }, orderBy: { id: 'asc' } });
    const product = await prisma.product.findFirstOrThrow({ where: { organizationId: org, ndc: { not: null }, gtin: { not: null } }, orderBy: { id: 'asc' } });
    const probes: [string, string, string][] = [
      ['providers', provider.lastName, provider.id],
      ['providers', provider.username, provider.id],
      ['facilities', facility.name.split(' ')[0]!, facility.id],
      ['products', product.name.split(' ')[0]!, product.id],
      ['products', product.ndc!, product.id],
      ['products', product.gtin!, product.id],
    ];
    for (const [field, search, id] of probes) {
      const response = await server.gql(`query ($search: String) { ${field}(search: $search, first: 100) { nodes { id } } }`, { search });
      expect(response.data?.[field].nodes.map((n: { id: string }) => n.id), `${field} "${search}"`).toContain(id);
    }
  });

  it('nested lists filter too: a patient\'s appointments by status, claims by status, bills by date', async () => {
    const response = await server.gql(
      `{ patient(id: "${ids.patient}") {
          cancelled: appointments(statuses: [CANCELLED], first: 100) { totalCount nodes { status } }
          recent: appointments(last: 2) { nodes { scheduledStartDate } }
          paid: claims(status: PAID, first: 100) { totalCount nodes { claimStatus } }
          bills(dateFrom: "2026-01-01", first: 100) { nodes { dateOfService } } } }`,
    );
    expect(response.errors).toBeUndefined();
    const patient = response.data!.patient;
    expect(patient.cancelled.totalCount).toBe(
      await prisma.appointment.count({ where: { organizationId: org, patientId: ids.patient, status: 'cancelled' } }),
    );
    for (const node of patient.cancelled.nodes) expect(node.status).toBe('CANCELLED');
    for (const node of patient.paid.nodes) expect(node.claimStatus).toBe('PAID');
    for (const node of patient.bills.nodes) expect(node.dateOfService >= '2026-01-01').toBe(true);
    const latest = await prisma.appointment.findMany({
      where: { organizationId: org, patientId: ids.patient },
      orderBy: [{ scheduledStartDate: 'desc' }, { id: 'desc' }],
      take: 2,
    });
    expect(patient.recent.nodes.map((n: { scheduledStartDate: string }) => n.scheduledStartDate)).toEqual(
      latest.reverse().map((a) => a.scheduledStartDate.toISOString()),
    );
  });

  it('refuses bad filter input with a message that says what to fix', async () => {
    const cases: [string, string][] = [
      ['{ appointments(dateFrom: "2026-02-30") { totalCount } }', 'not a calendar date'],
      ['{ appointments(dateFrom: "03/01/2026") { totalCount } }', 'YYYY-MM-DD'],
      ['{ appointments(dateFrom: "2026-03-02", dateTo: "2026-03-01") { totalCount } }', 'after "dateTo"'],
      ['{ appointments(facilityId: "pat_00000000000000000000") { totalCount } }', 'Facility id (fac_…)'],
      [`{ providers(search: "${'x'.repeat(101)}") { totalCount } }`, 'at most 100 characters'],
      ['{ appointments(first: 2, after: "eyJvIjoibmFtZSsiLCJpZCI6InBhdF8xIn0") { totalCount } }', 'another list'],
    ];
    for (const [query, fragment] of cases) {
      const response = await server.gql(query);
      expect(response.status, query).toBe(200);
      expect(response.errors?.[0]?.message, query).toContain(fragment);
      expect(response.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
  });
});
