import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { clinicTables, type ClinicType } from '../../src/resources.js';

/** One id of each entity type in a clinic, for probing root fields, nested paths and node lookups. */
export async function sampleIds(prisma: PrismaClient, organizationId: string) {
  const where = { organizationId };
  const bill = await prisma.bill.findFirstOrThrow({
    where: { ...where, claims: { some: {} }, codingGroups: { some: { lineItems: { some: { modifiers: { some: {} } } } } } },
    orderBy: { id: 'asc' },
  });
  const claim = await prisma.claim.findFirstOrThrow({ where, orderBy: { id: 'asc' } });
  const change = await prisma.inventoryChange.findFirstOrThrow({ where: { ...where, status: 'closed' }, orderBy: { id: 'asc' } });
  return {
    organization: organizationId,
    patient: (await prisma.patient.findFirstOrThrow({ where: { id: bill.patientId } })).id,
    appointment: (await prisma.appointment.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    provider: (await prisma.provider.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    facility: change.facilityId,
    bill: bill.id,
    codingGroup: (await prisma.codingGroup.findFirstOrThrow({ where: { billId: bill.id } })).id,
    diagnosis: (await prisma.diagnosis.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    lineItem: (await prisma.lineItem.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    modifier: (await prisma.lineItemModifier.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    claim: claim.id,
    insurance: (await prisma.claimInsurance.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    product: (await prisma.product.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
    change: change.id,
    item: (await prisma.inventoryChangeItem.findFirstOrThrow({ where: { changeId: change.id } })).id,
    stockLevel: (await prisma.stockLevel.findFirstOrThrow({ where, orderBy: { id: 'asc' } })).id,
  };
}

export type SampleIds = Awaited<ReturnType<typeof sampleIds>>;

/** The first id (in id order) of every clinic resource in a clinic, by Node type. */
export async function firstIdOfEachResource(prisma: PrismaClient, organizationId: string): Promise<Record<ClinicType, string>> {
  const entries = await Promise.all(
    clinicTables.map(async (table) => {
      const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "${table}" WHERE "organizationId" = $1 ORDER BY id LIMIT 1`, organizationId);
      return [table, rows[0]?.id ?? ''] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ClinicType, string>;
}
