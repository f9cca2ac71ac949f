/**
 * Writes the changes an EHR sync brings to a clinic: bookings, reschedules, patient details, new
 * bills with their coding, closed inventory sessions. Plain Prisma writes, one transaction per
 * batch, so the capture triggers see them like any other writer's.
 */
import { randomInt } from 'node:crypto';
import type { AppointmentStatus, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { IdentifiedType } from '../ids.js';
import { MarketplaceError, organizationById } from '../marketplace/service.js';
import {
  encounterPatterns,
  establishedPatientVisitCodes,
  icd10ByCode,
  modifierByCode,
  newPatientVisitCodes,
  procedure,
  visitDiagnoses,
  type EncounterPattern,
  type Practice,
  type ProcedureCodeValue,
} from './codes.js';
import { areaCodes, money, practiceFor, Random, ZoneClock } from './generate.js';
import { gs1ElementString, parseGs1 } from './identifiers.js';

export const simulatedEvents = ['appointment.booked', 'appointment.rescheduled', 'patient.updated', 'bill.created', 'inventory.closed'] as const;
export type SimulatedEvent = (typeof simulatedEvents)[number];

/** How often each event comes in a clinic's sync, relative to the others. */
const eventWeights: Record<SimulatedEvent, number> = {
  'appointment.booked': 4,
  'appointment.rescheduled': 3,
  'patient.updated': 3,
  'bill.created': 2,
  'inventory.closed': 1,
};

/**
 * One cycle of smooth weighted round robin (nginx's): each event `weight` times, spread out. Any
 * cycle's length of consecutive events holds every kind in proportion, so a short run shows them all.
 */
const eventCycle: readonly SimulatedEvent[] = (() => {
  const total = simulatedEvents.reduce((sum, event) => sum + eventWeights[event], 0);
  const current = new Map(simulatedEvents.map((event) => [event, 0]));
  const cycle: SimulatedEvent[] = [];
  for (let i = 0; i < total; i++) {
    for (const event of simulatedEvents) current.set(event, current.get(event)! + eventWeights[event]);
    const next = simulatedEvents.reduce((best, event) => (current.get(event)! > current.get(best)! ? event : best));
    current.set(next, current.get(next)! - total);
    cycle.push(next);
  }
  return cycle;
})();

/** The events numbered `first` to `first + count - 1` of a simulation. */
export function scheduledEvents(first: number, count: number): SimulatedEvent[] {
  return Array.from({ length: count }, (_, i) => eventCycle[(first + i) % eventCycle.length]!);
}

export const eventCycleLength = eventCycle.length;

/** What a batch wrote: events by kind as they were written (a kind with nothing to act on falls back to another), rows by table and operation. */
export interface SimulatedBatch {
  organizationId: string;
  events: Partial<Record<SimulatedEvent, number>>;
  rows: Record<string, { insert?: number; update?: number }>;
}

export interface SimulateBatchInput {
  organizationId: string;
  events: readonly string[];
  /** Seeds the batch's random choices (the CLI derives one per batch from --seed); random otherwise. */
  seed?: number;
}

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
const clinicianRoles = ['Physician', 'Surgeon', 'Nurse Practitioner', 'Physician Assistant'];
const bookable: AppointmentStatus[] = ['scheduled', 'confirmed'];

type Tx = Prisma.TransactionClient;

interface Clinic {
  id: string;
  practice: Practice;
  facilities: { id: string; clock: ZoneClock; specialty: string | null }[];
  providers: { id: string; physician: boolean }[];
}

async function clinicFor(prisma: PrismaClient, organizationId: string): Promise<Clinic> {
  const organization = await organizationById(prisma, organizationId);
  const [facilities, providers] = await Promise.all([
    prisma.facility.findMany({ where: { organizationId, isVisible: true }, orderBy: { id: 'asc' } }),
    prisma.provider.findMany({ where: { organizationId, hidden: false, roles: { hasSome: clinicianRoles } }, orderBy: { id: 'asc' } }),
  ]);
  if (!facilities.length || !providers.length) {
    throw new MarketplaceError(
      `${organization.name} (${organizationId}) has no ${facilities.length ? 'visible clinician' : 'visible facility'} to book with: simulate writes to a clinic with data, such as the demo clinics (see: orgs list).`,
      'invalid',
    );
  }
  return {
    id: organizationId,
    practice: practiceFor(organization.name),
    facilities: facilities.map((f) => ({ id: f.id, clock: new ZoneClock(f.timezone), specialty: f.specialty })),
    providers: providers.map((p) => ({ id: p.id, physician: p.roles.includes('Physician') || p.roles.includes('Surgeon') })),
  };
}

class Recorder {
  readonly events: SimulatedBatch['events'] = {};
  readonly rows: SimulatedBatch['rows'] = {};
  row(table: string, operation: 'insert' | 'update', count = 1): void {
    if (count === 0) return;
    const entry = (this.rows[table] ??= {});
    entry[operation] = (entry[operation] ?? 0) + count;
  }
}

/**
 * A row picked at random: the first at or after a random id, wrapping around. Ids are random, so
 * this is close to uniform, and it is one index probe where ORDER BY random() would read the clinic.
 */
async function randomRow<Row>(type: IdentifiedType, random: Random, find: (from: string | null) => Promise<Row | null>): Promise<Row | null> {
  return (await find(random.id(type))) ?? (await find(null));
}

class Simulation {
  constructor(
    private readonly tx: Tx,
    private readonly clinic: Clinic,
    private readonly random: Random,
    private readonly recorder: Recorder,
    private readonly now: Date,
  ) {}

  async run(event: SimulatedEvent): Promise<SimulatedEvent> {
    switch (event) {
      case 'appointment.booked':
        return this.book();
      case 'appointment.rescheduled':
        return this.reschedule();
      case 'patient.updated':
        return this.updatePatient();
      case 'bill.created':
        return this.bill();
      case 'inventory.closed':
        return this.closeInventory();
    }
  }

  private get organizationId() {
    return this.clinic.id;
  }

  private randomPatient() {
    return randomRow('Patient', this.random, (from) =>
      this.tx.patient.findFirst({ where: { organizationId: this.organizationId, ...(from && { id: { gte: from } }) }, orderBy: { id: 'asc' } }),
    );
  }

  /** A slot in business hours at the facility, `days` ahead of now (weekdays only). */
  private slot(facility: Clinic['facilities'][number], daysAhead: number): { start: Date; end: Date } {
    const clock = facility.clock;
    let day = clock.localDay(this.now.getTime()) + daysAhead;
    while ([0, 6].includes((day + 4) % 7)) day++;
    const start = clock.instant(day, 8 * 60 + 15 * this.random.int(0, 35));
    const minutes = this.random.weighted([[15, 3], [20, 2], [30, 4], [45, 1]] as const);
    return { start, end: new Date(start.getTime() + minutes * minuteMs) };
  }

  private newPatientRow() {
    const { faker } = this.random;
    const sex = this.random.pick(['female', 'male'] as const);
    const firstName = faker.person.firstName(sex);
    const lastName = faker.person.lastName();
    return {
      id: this.random.id('Patient'),
      organizationId: this.organizationId,
      mrn: `MRN-${this.random.digits(6)}`,
      firstName,
      lastName,
      gender: sex,
      dateOfBirth: new Date(Math.floor(this.now.getTime() / dayMs - this.random.int(2, 90) * 365.25 - this.random.int(0, 364)) * dayMs),
      email: `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${this.random.pick(['example.com', 'example.org', 'example.net'])}`,
      phone: this.phone(),
    };
  }

  private phone(): string {
    return `(${this.random.pick(areaCodes)}) ${this.random.int(201, 989)}-${this.random.digits(4)}`;
  }

  private async book(): Promise<SimulatedEvent> {
    let patient = this.random.chance(0.2) ? null : await this.randomPatient();
    const isNewPatient = patient === null;
    if (!patient) {
      patient = await this.tx.patient.create({ data: this.newPatientRow() });
      this.recorder.row('Patient', 'insert');
    }
    const facility = this.random.pick(this.clinic.facilities);
    const { start, end } = this.slot(facility, this.random.int(1, 45));
    await this.tx.appointment.create({
      data: {
        id: this.random.id('Appointment'),
        organizationId: this.organizationId,
        patientId: patient.id,
        providerId: this.random.pick(this.clinic.providers).id,
        facilityId: facility.id,
        scheduledStartDate: start,
        scheduledEndDate: end,
        status: this.random.weighted<AppointmentStatus>([['scheduled', 3], ['confirmed', 2]]),
        isNewPatient,
      },
    });
    this.recorder.row('Appointment', 'insert');
    return 'appointment.booked';
  }

  private async reschedule(): Promise<SimulatedEvent> {
    const appointment = await randomRow('Appointment', this.random, (from) =>
      this.tx.appointment.findFirst({
        where: { organizationId: this.organizationId, status: { in: bookable }, scheduledStartDate: { gt: this.now }, ...(from && { id: { gte: from } }) },
        orderBy: { id: 'asc' },
      }),
    );
    if (!appointment) return this.book();
    const facility = this.clinic.facilities.find((f) => f.id === appointment.facilityId) ?? this.random.pick(this.clinic.facilities);
    const daysAhead = Math.max(1, Math.round((appointment.scheduledStartDate.getTime() - this.now.getTime()) / dayMs) + this.random.pick([-7, -2, -1, 1, 2, 3, 7, 14]));
    const { start, end } = this.slot(facility, daysAhead);
    // A new time needs confirming again.
    await this.tx.appointment.update({ where: { id: appointment.id }, data: { scheduledStartDate: start, scheduledEndDate: end, status: 'scheduled' } });
    this.recorder.row('Appointment', 'update');
    return 'appointment.rescheduled';
  }

  private async updatePatient(): Promise<SimulatedEvent> {
    const patient = await this.randomPatient();
    if (!patient) return this.book();
    const { faker } = this.random;
    const field = this.random.weighted([['phone', 45], ['email', 30], ['lastName', 10], ['middleName', 15]] as const);
    const data: Prisma.PatientUpdateInput =
      field === 'phone' ? { phone: this.phone() }
      : field === 'email' ? { email: `${patient.firstName}.${patient.lastName}${this.random.int(1, 99)}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + '@example.org' }
      : field === 'lastName' ? { lastName: faker.person.lastName() }
      : { middleName: faker.person.middleName() };
    // updatedAt moves with every write, so the row always changes and the trigger logs it.
    await this.tx.patient.update({ where: { id: patient.id }, data });
    this.recorder.row('Patient', 'update');
    return 'patient.updated';
  }

  /** A bill for a visit that just ended: one draft coding group, its diagnoses, line items, modifiers and pointers. */
  private async bill(): Promise<SimulatedEvent> {
    const visit = await randomRow('Appointment', this.random, (from) =>
      this.tx.appointment.findFirst({
        where: { organizationId: this.organizationId, status: 'completed', ...(from && { id: { gte: from } }) },
        orderBy: { id: 'asc' },
      }),
    );
    const patient = visit ? { id: visit.patientId } : await this.randomPatient();
    if (!patient) return this.book();
    const facility = this.clinic.facilities.find((f) => f.id === visit?.facilityId) ?? this.random.pick(this.clinic.facilities);
    const provider = this.clinic.providers.find((p) => p.id === visit?.providerId) ?? this.random.pick(this.clinic.providers);
    const billUnder = provider.physician ? provider : (this.clinic.providers.find((p) => p.physician) ?? provider);
    const organizationId = this.organizationId;

    const pattern: EncounterPattern | null = this.random.chance(0.5)
      ? this.random.weighted(encounterPatterns.filter((p) => p.practice === this.clinic.practice).map((p) => [p, p.weight] as const))
      : null;
    const diagnosisCodes = [...new Set([...(pattern ? [this.random.pick(pattern.indications)] : []), ...this.random.shuffled(visitDiagnoses[this.clinic.practice]).slice(0, this.random.int(1, 2))])];
    const lines: { code: ProcedureCodeValue; units: number; modifiers: string[]; pointers: number[] }[] = [];
    if (!pattern?.cosmetic) {
      const visitCode = this.random.pick<ProcedureCodeValue>(visit?.isNewPatient ? newPatientVisitCodes : establishedPatientVisitCodes);
      lines.push({ code: visitCode, units: 1, modifiers: pattern && !pattern.lab ? ['25'] : [], pointers: diagnosisCodes.map((_, i) => i + 1) });
    }
    for (const line of pattern?.lines ?? []) {
      if (line.probability !== undefined && !this.random.chance(line.probability)) continue;
      lines.push({ code: line.code, units: this.random.int(line.units[0], line.units[1]), modifiers: [...(line.modifiers ?? [])], pointers: [1] });
    }

    const billId = this.random.id('Bill');
    const groupId = this.random.id('CodingGroup');
    const billable = pattern?.cosmetic !== true;
    await this.tx.bill.create({
      data: {
        id: billId,
        organizationId,
        humanId: await this.freeBillNumber(),
        dateOfService: new Date(Math.floor((visit?.scheduledStartDate ?? this.now).getTime() / dayMs) * dayMs),
        billingType: this.random.chance(0.92) ? 'professional' : 'institutional',
        isCosmetic: !billable,
        isBillable: billable,
        isEmCodingEnabled: billable,
        patientId: patient.id,
        primaryProviderId: provider.id,
        billUnderProviderId: billUnder.id,
        facilityId: facility.id,
        specialty: facility.specialty,
      },
    });
    await this.tx.codingGroup.create({ data: { id: groupId, organizationId, billId, status: 'draft', position: 1 } });
    const diagnoses = diagnosisCodes.map((code, index) => ({
      id: this.random.id('Diagnosis'),
      organizationId,
      codingGroupId: groupId,
      code,
      description: icd10ByCode.get(code)!.description,
      position: index + 1,
    }));
    await this.tx.diagnosis.createMany({ data: diagnoses });
    const lineRows = lines.map((line, index) => {
      const entry = procedure(line.code);
      const total = money(entry.chargeCents * line.units);
      return {
        row: { id: this.random.id('LineItem'), organizationId, codingGroupId: groupId, code: entry.code, codeType: entry.codeType, description: entry.description,
          units: line.units, charge: money(entry.chargeCents), totalCharge: total, balance: total, position: index + 1 },
        line,
      };
    });
    await this.tx.lineItem.createMany({ data: lineRows.map((l) => l.row) });
    const modifiers = lineRows.flatMap(({ row, line }) =>
      line.modifiers.map((code, index) => ({ id: this.random.id('LineItemModifier'), organizationId, lineItemId: row.id, code, name: modifierByCode.get(code)!.name, position: index + 1 })),
    );
    if (modifiers.length) await this.tx.lineItemModifier.createMany({ data: modifiers });
    await this.tx.lineItemDiagnosis.createMany({
      data: lineRows.flatMap(({ row, line }) =>
        line.pointers.map((position, index) => ({ organizationId, lineItemId: row.id, diagnosisId: diagnoses[position - 1]!.id, position: index + 1 })),
      ),
    });
    this.recorder.row('Bill', 'insert');
    this.recorder.row('CodingGroup', 'insert');
    this.recorder.row('Diagnosis', 'insert', diagnoses.length);
    this.recorder.row('LineItem', 'insert', lineRows.length);
    this.recorder.row('LineItemModifier', 'insert', modifiers.length);
    return 'bill.created';
  }

  private async freeBillNumber(): Promise<string> {
    for (;;) {
      const humanId = `BILL-${this.random.int(100_000, 9_999_999)}`;
      if (!(await this.tx.bill.findFirst({ where: { organizationId: this.organizationId, humanId }, select: { id: true } }))) return humanId;
    }
  }

  /** Closes an open inventory session, or receives a shipment, and moves stock by its items. */
  private async closeInventory(): Promise<SimulatedEvent> {
    const organizationId = this.organizationId;
    const open = await randomRow('InventoryChange', this.random, (from) =>
      this.tx.inventoryChange.findFirst({ where: { organizationId, status: 'open', ...(from && { id: { gte: from } }) }, orderBy: { id: 'asc' }, include: { items: true } }),
    );
    let change: { id: string; facilityId: string; items: { productId: string; quantity: number }[] };
    if (open) {
      await this.tx.inventoryChange.update({ where: { id: open.id }, data: { status: 'closed', closedAt: this.now } });
      this.recorder.row('InventoryChange', 'update');
      change = open;
    } else {
      const products = await this.tx.product.findMany({ where: { organizationId, archivedAt: null }, orderBy: { id: 'asc' }, take: 200 });
      if (!products.length) return this.updatePatient();
      const facility = this.random.pick(this.clinic.facilities);
      const id = this.random.id('InventoryChange');
      const day = new Date(this.now);
      await this.tx.inventoryChange.create({
        data: {
          id, organizationId, facilityId: facility.id, type: 'receiving', status: 'closed', closedAt: this.now,
          name: `Receiving - ${day.toLocaleString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })}`,
        },
      });
      const items = this.random.shuffled(products).slice(0, this.random.int(1, 4)).map((product) => {
        const expirationDate = new Date((Math.floor(this.now.getTime() / dayMs) + this.random.int(120, 900)) * dayMs);
        const lotNumber = this.random.pattern(this.random.pick(['?##?###', '#######', 'L#####']));
        const rawBarcode = product.gtin ? gs1ElementString({ gtin: product.gtin, lot: lotNumber, expiry: expirationDate }) : null;
        return {
          id: this.random.id('InventoryChangeItem'), organizationId, changeId: id, productId: product.id, quantity: this.random.int(1, 24) * product.quantityPerUnit,
          scanSourceType: rawBarcode ? 'product_packaging' : 'manual', rawBarcode, gtin: product.gtin, lotNumber, expirationDate, parsedFields: rawBarcode ? parseGs1(rawBarcode) : {},
        } satisfies Prisma.InventoryChangeItemCreateManyInput;
      });
      await this.tx.inventoryChangeItem.createMany({ data: items });
      this.recorder.row('InventoryChange', 'insert');
      this.recorder.row('InventoryChangeItem', 'insert', items.length);
      change = { id, facilityId: facility.id, items };
    }
    // Stock is the sum of closed sessions' items (README: domain), so closing one moves it.
    const byProduct = new Map<string, number>();
    for (const item of change.items) byProduct.set(item.productId, (byProduct.get(item.productId) ?? 0) + item.quantity);
    for (const [productId, quantity] of byProduct) {
      const key = { organizationId, facilityId: change.facilityId, productId };
      const existing = await this.tx.stockLevel.findUnique({ where: { organizationId_facilityId_productId: key }, select: { id: true } });
      if (existing) {
        if (quantity === 0) continue;
        await this.tx.stockLevel.update({ where: { id: existing.id }, data: { quantity: { increment: quantity } } });
        this.recorder.row('StockLevel', 'update');
      } else {
        await this.tx.stockLevel.create({ data: { id: this.random.id('StockLevel'), ...key, quantity } });
        this.recorder.row('StockLevel', 'insert');
      }
    }
    return 'inventory.closed';
  }
}

export function isSimulatedEvent(value: string): value is SimulatedEvent {
  return (simulatedEvents as readonly string[]).includes(value);
}

/** Writes one batch of events to a clinic in one transaction, and says what it wrote. */
export async function simulateBatch(prisma: PrismaClient, input: SimulateBatchInput): Promise<SimulatedBatch> {
  const unknown = input.events.find((event) => !isSimulatedEvent(event));
  if (unknown !== undefined) throw new MarketplaceError(`Unknown simulated event "${unknown}"; known: ${simulatedEvents.join(', ')}.`);
  const clinic = await clinicFor(prisma, input.organizationId);
  const random = new Random(input.seed ?? randomInt(2 ** 31));
  const recorder = new Recorder();
  // A batch commits together, as one page of a sync run would: one commit per batch, not per change.
  await prisma.$transaction(
    async (tx) => {
      for (const event of input.events as SimulatedEvent[]) {
        const done = await new Simulation(tx, clinic, random, recorder, new Date()).run(event);
        recorder.events[done] = (recorder.events[done] ?? 0) + 1;
      }
    },
    { timeout: 60_000 },
  );
  return { organizationId: clinic.id, events: recorder.events, rows: recorder.rows };
}
