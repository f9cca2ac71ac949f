import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl, type Database } from '../src/db/database.js';
import { expandedCatalog, generateClinics, type GeneratedClinic } from '../src/demo/generate.js';
import { gs1Date, isNdc10, isValidGtin, isValidNpi, parseGs1 } from '../src/demo/identifiers.js';

const seed = 4242;
const clinic = { name: 'Test Dermatology', patients: 30 };

async function freshDatabase(): Promise<Database> {
  const db = await openDatabase(parseDatabaseUrl('pglite:memory'));
  await db.migrate();
  return db;
}

describe('product catalog', () => {
  it('has enough products for the largest clinic, with unique valid GTINs and NDCs', () => {
    const catalog = expandedCatalog();
    expect(catalog.length).toBeGreaterThanOrEqual(500);
    const gtins = catalog.flatMap((p) => [p.gtin, ...p.additionalGtins]).filter((g): g is string => g !== null);
    const ndcs = catalog.flatMap((p) => (p.ndc ? [p.ndc] : []));
    expect(new Set(gtins).size).toBe(gtins.length);
    expect(new Set(ndcs).size).toBe(ndcs.length);
    for (const gtin of gtins) expect(isValidGtin(gtin), gtin).toBe(true);
    for (const ndc of ndcs) expect(isNdc10(ndc), ndc).toBe(true);
  });
});

describe('generateClinics', () => {
  let first: Database;
  let second: Database;
  let generated: GeneratedClinic;
  let organizationId: string;

  beforeAll(async () => {
    [first, second] = await Promise.all([freshDatabase(), freshDatabase()]);
    const progress: number[] = [];
    const [a] = await generateClinics(first.prisma, { seed, clinics: [clinic], onProgress: (done) => progress.push(done) });
    await generateClinics(second.prisma, { seed, clinics: [clinic] });
    if (!a) throw new Error('nothing generated');
    generated = a;
    organizationId = a.id;
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(clinic.patients + 40);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('is deterministic: the same seed gives the same ids, names and rows', async () => {
    const snapshot = async (db: Database) => ({
      patients: await db.prisma.patient.findMany({ orderBy: { id: 'asc' } }),
      appointments: await db.prisma.appointment.findMany({ orderBy: { id: 'asc' }, select: { id: true, patientId: true, scheduledStartDate: true, status: true } }),
      lineItems: await db.prisma.lineItem.findMany({ orderBy: { id: 'asc' }, select: { id: true, code: true, totalCharge: true, balance: true } }),
      items: await db.prisma.inventoryChangeItem.findMany({ orderBy: { id: 'asc' }, select: { id: true, rawBarcode: true, quantity: true } }),
    });
    const [a, b] = await Promise.all([snapshot(first), snapshot(second)]);
    expect(a.patients).toHaveLength(clinic.patients);
    expect(a.appointments.length).toBeGreaterThan(clinic.patients * 4);
    expect(b).toEqual(a);
    expect(generated.rowCounts.Patient).toBe(clinic.patients);
    expect(generated.rowCounts.Appointment).toBe(a.appointments.length);
  });

  it('gives another seed other ids, and refuses to generate the same clinic twice', async () => {
    const [other] = await generateClinics(second.prisma, { seed: seed + 1, clinics: [{ name: clinic.name, patients: 5 }] });
    expect(other?.id).not.toBe(organizationId);
    await expect(generateClinics(second.prisma, { seed, clinics: [clinic] })).rejects.toThrow(/already exists/);
  });

  it('has appointments of every status, inside business hours on weekdays', async () => {
    const rows = await first.prisma.appointment.groupBy({ by: ['status'], where: { organizationId }, _count: true });
    expect(rows.map((r) => r.status).sort()).toEqual(['cancelled', 'checked_in', 'completed', 'confirmed', 'no_show', 'scheduled']);
    const outside = await first.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "Appointment" a JOIN "Facility" f ON f.id = a."facilityId" AND f."organizationId" = a."organizationId"
      WHERE a."organizationId" = ${organizationId}
        AND (extract(isodow FROM (a."scheduledStartDate" AT TIME ZONE 'UTC') AT TIME ZONE f.timezone) > 5
          OR ((a."scheduledStartDate" AT TIME ZONE 'UTC') AT TIME ZONE f.timezone)::time < '07:00'
          OR ((a."scheduledEndDate" AT TIME ZONE 'UTC') AT TIME ZONE f.timezone)::time > '18:30')`;
    expect(outside[0]?.count).toBe(0);
  });

  it('gives every provider and facility a valid NPI', async () => {
    const providers = await first.prisma.provider.findMany({ where: { organizationId } });
    expect(providers.length).toBeGreaterThanOrEqual(4);
    const npis = providers.flatMap((p) => (p.individualNpi ? [p.individualNpi] : []));
    expect(npis.length).toBeGreaterThan(0);
    for (const npi of npis) expect(isValidNpi(npi), npi).toBe(true);
    const facilities = await first.prisma.facility.findMany({ where: { organizationId } });
    for (const facility of facilities) if (facility.organizationNpi) expect(isValidNpi(facility.organizationNpi)).toBe(true);
  });

  it('gives every product valid GTINs and well-formed NDCs', async () => {
    const products = await first.prisma.product.findMany({ where: { organizationId } });
    expect(products.length).toBeGreaterThanOrEqual(40);
    for (const product of products) {
      if (product.gtin) expect(isValidGtin(product.gtin), product.gtin).toBe(true);
      else expect(product.customBarcode).toBeTruthy();
      for (const gtin of product.additionalGtins) expect(isValidGtin(gtin), gtin).toBe(true);
      if (product.ndc) expect(isNdc10(product.ndc), product.ndc).toBe(true);
    }
    expect(products.filter((p) => p.gtin).length).toBeGreaterThan(products.length / 2);
  });

  it('parses each scanned item barcode into exactly its gtin, lot, expiry and serial', async () => {
    const items = await first.prisma.inventoryChangeItem.findMany({ where: { organizationId } });
    const scanned = items.filter((i) => i.scanSourceType === 'product_packaging');
    expect(scanned.length).toBeGreaterThan(0);
    for (const item of scanned) {
      if (!item.rawBarcode || !item.gtin || !item.lotNumber || !item.expirationDate) throw new Error(`item ${item.id} lacks barcode fields`);
      const expected: Record<string, string> = { '01': item.gtin, '17': gs1Date(item.expirationDate), '10': item.lotNumber };
      if (item.serialNumber) expected['21'] = item.serialNumber;
      expect(item.parsedFields).toEqual(expected);
      expect(parseGs1(item.rawBarcode)).toEqual(expected);
    }
    for (const item of items.filter((i) => i.scanSourceType === 'manual')) {
      expect(item.rawBarcode).toBeNull();
      expect(item.parsedFields).toEqual({});
    }
  });

  it('keeps stock levels equal to the sum of closed changes, for every product in every facility', async () => {
    const [facilities, products, stockLevels] = await Promise.all([
      first.prisma.facility.count({ where: { organizationId } }),
      first.prisma.product.count({ where: { organizationId } }),
      first.prisma.stockLevel.count({ where: { organizationId } }),
    ]);
    expect(stockLevels).toBe(facilities * products);
    const mismatches = await first.prisma.$queryRaw<{ facilityId: string; productId: string; quantity: number; expected: number }[]>`
      SELECT s."facilityId", s."productId", s.quantity, coalesce(t.total, 0)::int AS expected
      FROM "StockLevel" s
      LEFT JOIN (
        SELECT c."facilityId", i."productId", sum(i.quantity) AS total
        FROM "InventoryChangeItem" i
        JOIN "InventoryChange" c ON c.id = i."changeId" AND c."organizationId" = i."organizationId"
        WHERE c.status = 'closed' AND c."organizationId" = ${organizationId}
        GROUP BY c."facilityId", i."productId"
      ) t ON t."facilityId" = s."facilityId" AND t."productId" = s."productId"
      WHERE s."organizationId" = ${organizationId} AND s.quantity <> coalesce(t.total, 0)`;
    expect(mismatches).toEqual([]);
    const nonZero = await first.prisma.stockLevel.count({ where: { organizationId, quantity: { gt: 0 } } });
    expect(nonZero).toBeGreaterThan(0);
    const statuses = await first.prisma.inventoryChange.groupBy({ by: ['status'], where: { organizationId }, _count: true });
    expect(statuses.map((s) => s.status).sort()).toEqual(['closed', 'open']);
  });

  it('bills add up: totals, balances, claim amounts and insurance entries', async () => {
    const badLines = await first.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "LineItem"
      WHERE "organizationId" = ${organizationId} AND ("totalCharge" <> charge * units OR balance > "totalCharge" OR balance < 0)`;
    expect(badLines[0]?.count).toBe(0);
    const badClaims = await first.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "Claim" c
      WHERE c."organizationId" = ${organizationId} AND c."claimAmount" <> (
        SELECT coalesce(sum(l."totalCharge"), 0) FROM "LineItem" l JOIN "CodingGroup" g ON g.id = l."codingGroupId"
        WHERE g."billId" = c."billId")`;
    expect(badClaims[0]?.count).toBe(0);
    const claims = await first.prisma.claim.findMany({ where: { organizationId } });
    const insurance = await first.prisma.claimInsurance.findMany({ where: { organizationId }, orderBy: [{ claimId: 'asc' }, { position: 'asc' }] });
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) {
      expect(claim.submittedDate === null).toBe(claim.claimStatus === 'draft');
      const [primary, secondary, ...rest] = insurance.filter((entry) => entry.claimId === claim.id);
      expect(primary?.isPrimary).toBe(true);
      expect(primary?.position).toBe(1);
      if (secondary) expect(secondary.isPrimary).toBe(false);
      expect(rest).toEqual([]);
    }
    const bills = await first.prisma.bill.findMany({ where: { organizationId }, select: { humanId: true } });
    for (const bill of bills) expect(bill.humanId).toMatch(/^BILL-\d{5,6}$/);
    const pointers = await first.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "LineItemDiagnosis" ld
      JOIN "LineItem" l ON l.id = ld."lineItemId" JOIN "Diagnosis" d ON d.id = ld."diagnosisId"
      WHERE ld."organizationId" = ${organizationId} AND (l."codingGroupId" <> d."codingGroupId" OR ld.position NOT BETWEEN 1 AND 4)`;
    expect(pointers[0]?.count).toBe(0);
  });

  it('writes no timestamp after the reference date', async () => {
    const late = await first.prisma.$queryRaw<{ count: number }[]>`
      SELECT (
        (SELECT count(*) FROM "Appointment" WHERE "createdAt" > '2026-11-01 12:00' OR "updatedAt" > '2026-11-01 12:00') +
        (SELECT count(*) FROM "Patient" WHERE "createdAt" > '2026-11-01 12:00' OR "updatedAt" > '2026-11-01 12:00') +
        (SELECT count(*) FROM "Bill" WHERE "updatedAt" > '2026-11-01 12:00') +
        (SELECT count(*) FROM "Claim" WHERE "updatedAt" > '2026-11-01 12:00') +
        (SELECT count(*) FROM "InventoryChange" WHERE "updatedAt" > '2026-11-01 12:00' OR "closedAt" > '2026-11-01 12:00')
      )::int AS count`;
    expect(late[0]?.count).toBe(0);
  });
});
