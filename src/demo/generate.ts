/**
 * Deterministic fake clinics: organizations with facilities, providers, patients, appointments, bills
 * (coding groups, diagnoses, line items, modifiers), claims with insurance, a product catalog,
 * inventory changes and stock levels. The same seed, clinic list and reference date always produce the
 * same rows, ids included; nothing reads the wall clock or a global random source.
 */
import { Faker, en, en_US } from '@faker-js/faker';
import type {
  AppointmentStatus,
  ClaimStatus,
  InventoryChangeType,
  Prisma,
  PrismaClient,
} from '../generated/prisma/client.js';
import { newId, type IdentifiedType } from '../ids.js';
import { clinicTables } from '../resources.js';
import {
  chronicConditions,
  encounterPatterns,
  establishedPatientVisitCodes,
  facilitySpecialties,
  icd10ByCode,
  modifierByCode,
  newPatientVisitCodes,
  payers,
  procedure,
  productCatalog,
  roleCredentials,
  usTimeZones,
  visitDiagnoses,
  type CatalogEntry,
  type EncounterPattern,
  type Payer,
  type PayerPlan,
  type Practice,
  type ProcedureCodeValue,
  type ProductMetadata,
  type ProviderRole,
  type UsTimeZone,
} from './codes.js';
import { gs1ElementString, gtinFromNdc, makeGtin14, makeNpi, parseGs1 } from './identifiers.js';

// ─── Public surface ─────────────────────────────────────────────────────────

export interface ClinicSpec {
  name: string;
  patients: number;
}

export interface GenerateOptions {
  /** Default 20260101. Each clinic derives its own seed from this, its position and its name. */
  seed?: number;
  clinics?: ClinicSpec[];
  /** The reference "now": appointments span 6 months before to 3 months after it. */
  now?: Date;
  onProgress?: (done: number, total: number, label: string) => void;
}

export const defaultSeed = 20260101;
export const defaultNow = new Date('2026-11-01T12:00:00Z');
export const demoClinics: readonly ClinicSpec[] = [
  { name: 'Riverside Dermatology', patients: 200 },
  { name: 'Lakeside Family Medicine', patients: 150 },
];

/** What the generator writes, in order: the clinic, its resources (src/resources.ts, parents first), the line items' diagnosis links. */
export const generatedTables = ['Organization', ...clinicTables, 'LineItemDiagnosis'] as const;
export type GeneratedTable = (typeof generatedTables)[number];
export type RowCounts = Record<GeneratedTable, number>;

export interface GeneratedClinic {
  id: string;
  name: string;
  seed: number;
  rowCounts: RowCounts;
}

export async function generateClinics(prisma: PrismaClient, options: GenerateOptions = {}): Promise<GeneratedClinic[]> {
  const seed = options.seed ?? defaultSeed;
  const clinics = options.clinics ?? [...demoClinics];
  const now = options.now ?? defaultNow;
  for (const clinic of clinics) {
    if (!Number.isInteger(clinic.patients) || clinic.patients < 1) {
      throw new Error(`Clinic "${clinic.name}" needs a positive whole number of patients, got ${clinic.patients}`);
    }
  }
  const progress = new Progress(
    clinics.reduce((sum, clinic) => sum + clinic.patients + productCountFor(clinic.patients), 0),
    options.onProgress,
  );
  const results: GeneratedClinic[] = [];
  for (const [index, clinic] of clinics.entries()) {
    const clinicSeed = mixSeed(seed, index, clinic.name);
    const generator = new ClinicGenerator(prisma, clinic, clinicSeed, now, progress);
    results.push(await generator.run());
  }
  return results;
}

/** Deterministic ids from their own seeded stream, for rows made outside a clinic (the demo app and key). */
export function seededIds(seed: number): (type: IdentifiedType) => string {
  const random = new Random(seed);
  return (type) => random.id(type);
}

// ─── Tunables ───────────────────────────────────────────────────────────────

const patientsPerChunk = 1_000;
const patientsPerProvider = 25;
const minimumProviders = 4;
const appointmentsPerPatient: readonly [number, number] = [4, 16];
const daysOfHistory = 183;
const daysOfFuture = 91;
/**
 * Rows per INSERT. Prisma keeps recent raw requests, parameters included, reachable for a while: with
 * 5,000-row statements a 10,000-patient run's heap plateaued near 230 MB, with 1,000-row ones near
 * 120 MB, at no measurable cost in speed.
 */
const rowsPerStatement = 1_000;

function productCountFor(patients: number): number {
  return Math.max(40, Math.min(500, Math.round(patients / 20)));
}

// ─── Random source ──────────────────────────────────────────────────────────

/** A seeded Faker instance of our own, so other code using the global faker cannot shift our sequence. */
export class Random {
  readonly faker: Faker;

  constructor(seed: number) {
    this.faker = new Faker({ locale: [en_US, en] });
    this.faker.seed(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.faker.number.float({ max: 1 });
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  /** `#` digit, `?` uppercase letter (no I/O, which read as digits), `*` either; anything else is copied. */
  pattern(shape: string): string {
    let out = '';
    for (const symbol of shape) {
      if (symbol === '#') out += String(this.int(0, 9));
      else if (symbol === '?') out += this.pick(letters);
      else if (symbol === '*') out += this.pick(alphanumerics);
      else out += symbol;
    }
    return out;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(0, 9));
    return out;
  }

  /** An id whose 100 random bits come from the seeded stream (4 draws of 25 bits, 5 bits per id character). */
  id(type: IdentifiedType): string {
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 20; i += 5) {
      let bits = this.int(0, 2 ** 25 - 1);
      for (let j = 0; j < 5; j++) {
        bytes[i + j] = bits & 31;
        bits >>>= 5;
      }
    }
    return newId(type, bytes);
  }

  /** A time uniformly between two instants (milliseconds). */
  between(startMs: number, endMs: number): Date {
    return new Date(startMs + Math.floor(this.next() * Math.max(0, endMs - startMs)));
  }
}

const letters = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const alphanumerics = [...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'];

/** FNV-1a over the seed, the clinic's position and name: clinics get independent, reproducible streams. */
function mixSeed(seed: number, index: number, name: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${index}:${name}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// ─── Time ───────────────────────────────────────────────────────────────────

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as a whole number of days since 1970-01-01; DATE columns take its UTC midnight. */
type DayNumber = number;

function utcMidnight(day: DayNumber): Date {
  return new Date(day * dayMs);
}

function weekday(day: DayNumber): number {
  // 1970-01-01 was a Thursday; 0 = Sunday.
  return (day + 4) % 7;
}

function isWeekend(day: DayNumber): boolean {
  const dow = weekday(day);
  return dow === 0 || dow === 6;
}

function shortDate(day: DayNumber): string {
  const date = utcMidnight(day);
  return `${monthNames[date.getUTCMonth()]} ${date.getUTCDate()}`;
}

/** Local wall-clock arithmetic in one IANA zone, with the UTC offset cached per local day. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsetByDay = new Map<DayNumber, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC, in ms, at an instant. */
  offsetAt(instantMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instantMs))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      (fields.hour ?? 0) % 24,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return asUtc - (instantMs - (instantMs % 1000));
  }

  /** The offset at local noon: business hours never straddle a DST switch (those happen at 2 am). */
  private offsetOnDay(day: DayNumber): number {
    let offset = this.offsetByDay.get(day);
    if (offset === undefined) {
      const noonLocalAsUtc = day * dayMs + 12 * hourMs;
      const first = this.offsetAt(noonLocalAsUtc);
      offset = this.offsetAt(noonLocalAsUtc - first);
      this.offsetByDay.set(day, offset);
    }
    return offset;
  }

  instant(day: DayNumber, minuteOfDay: number): Date {
    return new Date(day * dayMs + minuteOfDay * minuteMs - this.offsetOnDay(day));
  }

  localDay(instantMs: number): DayNumber {
    return Math.floor((instantMs + this.offsetAt(instantMs)) / dayMs);
  }
}

// ─── Money ──────────────────────────────────────────────────────────────────

/** Integer cents to the decimal string Prisma's Decimal columns take ("150.00"). */
export function money(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const fraction = Math.abs(cents % 100);
  return `${cents < 0 && whole === 0 ? '-' : ''}${whole}.${String(fraction).padStart(2, '0')}`;
}

// ─── Progress and writing ───────────────────────────────────────────────────

class Progress {
  private done = 0;
  constructor(
    readonly total: number,
    private readonly listener?: (done: number, total: number, label: string) => void,
  ) {}

  advance(units: number, label: string): void {
    this.done = Math.min(this.total, this.done + units);
    this.listener?.(this.done, this.total, label);
  }
}

function emptyCounts(): RowCounts {
  return Object.fromEntries(generatedTables.map((table) => [table, 0])) as RowCounts;
}

type RowTypes = { [Table in GeneratedTable]: Prisma.TypeMap['model'][Table]['operations']['createMany']['args']['data'] extends infer Data ? (Data extends readonly (infer Item)[] ? Item : Data) : never };

/**
 * A row with every column spelled out: the bulk insert below fills a missing key with NULL rather than
 * the column default, so `Required` makes the compiler insist on all of them.
 */
type Row<Table extends GeneratedTable> = Required<RowTypes[Table]>;

/**
 * Inserts rows in batches, each batch as one statement with one parameter: the rows as a JSON array,
 * expanded by PostgreSQL's jsonb_populate_recordset into the table's own row type (which casts enums,
 * numerics, dates, arrays and JSON columns). Measured here, Prisma's createMany spends ~0.3 ms of client
 * CPU per row in its query compiler, 10-20x the cost of this statement, which dominated a 100k-appointment
 * run. It also sidesteps PostgreSQL's 65,535 bind-parameter limit. Model and table names coincide (the
 * schema has no @@map), and the table name comes from the fixed list above, never from input.
 */
class BulkWriter {
  readonly counts = emptyCounts();

  constructor(private readonly prisma: PrismaClient) {}

  async write<Table extends GeneratedTable>(table: Table, rows: readonly Row<Table>[]): Promise<void> {
    const sql = `INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)`;
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      await this.prisma.$executeRawUnsafe(sql, JSON.stringify(rows.slice(start, start + rowsPerStatement)));
    }
    this.counts[table] += rows.length;
  }
}

// ─── Clinic state ───────────────────────────────────────────────────────────

interface FacilityInfo {
  index: number;
  id: string;
  name: string;
  shortName: string;
  clock: ZoneClock;
  specialty: string;
  cliaNumber: string;
  openMinute: number;
  closeMinute: number;
  today: DayNumber;
}

interface ProviderInfo {
  id: string;
  roles: ProviderRole[];
  homeFacility: number;
  hidden: boolean;
  physician: boolean;
  clinician: boolean;
}

interface Coverage {
  payer: Payer;
  plan: PayerPlan;
  memberId: string;
  groupNumber: string | null;
  policyNumber: string;
  subscriberName: string;
  copayCents: number;
  deductibleCents: number;
  /** How fast this member meets the deductible: the share used by year end (capped at all of it). */
  deductibleUseRate: number;
}

interface PatientInfo {
  id: string;
  ageYears: number | null;
  homeFacility: number;
  primaryProvider: ProviderInfo;
  conditions: string[];
  primaryCoverage: Coverage | null;
  secondaryCoverage: Coverage | null;
}

interface ProductInfo {
  id: string;
  gtin: string | null;
  serialized: boolean;
  archivedAtMs: number | null;
  catalog: CatalogProduct;
}

interface ClinicalRows {
  patients: Row<'Patient'>[];
  appointments: Row<'Appointment'>[];
  bills: Row<'Bill'>[];
  codingGroups: Row<'CodingGroup'>[];
  diagnoses: Row<'Diagnosis'>[];
  lineItems: Row<'LineItem'>[];
  lineItemModifiers: Row<'LineItemModifier'>[];
  lineItemDiagnoses: Row<'LineItemDiagnosis'>[];
  claims: Row<'Claim'>[];
  claimInsurances: Row<'ClaimInsurance'>[];
}

function emptyClinicalRows(): ClinicalRows {
  return {
    patients: [],
    appointments: [],
    bills: [],
    codingGroups: [],
    diagnoses: [],
    lineItems: [],
    lineItemModifiers: [],
    lineItemDiagnoses: [],
    claims: [],
    claimInsurances: [],
  };
}

interface PlannedAppointment {
  facility: FacilityInfo;
  provider: ProviderInfo;
  day: DayNumber;
  start: Date;
  end: Date;
  status: AppointmentStatus;
  createdAt: Date;
}

/** A line item whose balance is settled after the claims are decided. */
interface PricedLine {
  row: Row<'LineItem'>;
  totalCents: number;
}

export function practiceFor(clinicName: string): Practice {
  return /derm|skin|mohs|cosmetic/i.test(clinicName) ? 'dermatology' : 'primary_care';
}

// ─── Clinic generator ───────────────────────────────────────────────────────

class ClinicGenerator {
  private readonly random: Random;
  private readonly writer: BulkWriter;
  private readonly practice: Practice;
  private readonly organizationId: string;
  private readonly nowMs: number;
  private organizationCreatedMs = 0;
  private facilities: FacilityInfo[] = [];
  private providers: ProviderInfo[] = [];
  /** Visible clinicians per facility (future appointments), and all clinicians incl. hidden (history). */
  private visibleCliniciansAt: ProviderInfo[][] = [];
  private allCliniciansAt: ProviderInfo[][] = [];
  private physiciansAt: ProviderInfo[][] = [];
  private readonly usedHumanIds = new Set<number>();
  private readonly humanIdMax: number;
  private nextMrn = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly spec: ClinicSpec,
    private readonly seed: number,
    now: Date,
    private readonly progress: Progress,
  ) {
    this.random = new Random(seed);
    this.writer = new BulkWriter(prisma);
    this.practice = practiceFor(spec.name);
    this.organizationId = this.random.id('Organization');
    this.nowMs = now.getTime();
    // About 5.5 bills per patient; a sparse number space keeps random draws fast and ids unguessable-looking.
    this.humanIdMax = spec.patients * 25 > 900_000 ? 9_999_999 : 999_999;
  }

  async run(): Promise<GeneratedClinic> {
    const existing = await this.prisma.organization.findUnique({ where: { id: this.organizationId } });
    if (existing) {
      throw new Error(
        `Organization ${this.organizationId} ("${existing.name}") already exists: this seed and clinic name were generated before. Use another seed or name.`,
      );
    }
    await this.organizationAndStaff();
    this.progress.advance(0, `${this.spec.name}: facilities and providers`);
    const products = await this.products();
    await this.inventory(products);
    this.progress.advance(products.length, `${this.spec.name}: products and inventory`);

    let pending: Promise<void> | null = null;
    for (let first = 0; first < this.spec.patients; first += patientsPerChunk) {
      const count = Math.min(patientsPerChunk, this.spec.patients - first);
      // Generating the next chunk (CPU) overlaps with inserting the previous one (database I/O).
      const rows = this.patientChunk(first, count);
      if (pending) await pending;
      pending = this.writeClinicalRows(rows).then(() =>
        this.progress.advance(count, `${this.spec.name}: patients ${first + count}/${this.spec.patients}`),
      );
      // Mark as handled now; the await above or below rethrows it.
      pending.catch(() => {});
    }
    if (pending) await pending;
    return { id: this.organizationId, name: this.spec.name, seed: this.seed, rowCounts: this.writer.counts };
  }

  // ── Organization, facilities, providers ──

  private async organizationAndStaff(): Promise<void> {
    const random = this.random;
    this.organizationCreatedMs = this.nowMs - random.int(3 * 365, 9 * 365) * dayMs - random.int(0, dayMs);
    await this.writer.write('Organization', [{ id: this.organizationId, name: this.spec.name, createdAt: new Date(this.organizationCreatedMs) }]);

    const homeZone = random.pick(usTimeZones);
    const facilityCount = random.int(2, 4);
    const usedCities = new Set<string>();
    const facilityRows: Row<'Facility'>[] = [];
    for (let index = 0; index < facilityCount; index++) {
      let zone: UsTimeZone = index === 0 || random.chance(0.7) ? homeZone : random.pick(usTimeZones);
      if (zone.cities.every((c) => usedCities.has(c))) zone = random.pick(usTimeZones.filter((z) => z.cities.some((c) => !usedCities.has(c))));
      const city = random.pick(zone.cities.filter((c) => !usedCities.has(c)));
      usedCities.add(city);
      const clock = new ZoneClock(zone.timeZone);
      const specialty = index === 0 ? (facilitySpecialties[this.practice][0] ?? 'General Practice') : random.pick(facilitySpecialties[this.practice]);
      const openMinute = random.pick([7 * 60, 7 * 60 + 30, 8 * 60, 8 * 60 + 30]);
      const facility: FacilityInfo = {
        index,
        id: random.id('Facility'),
        name: `${this.spec.name} - ${city}`,
        shortName: city,
        clock,
        specialty,
        cliaNumber: `${random.pick(zone.cliaStateCodes)}D${random.digits(7)}`,
        openMinute,
        closeMinute: openMinute + random.pick([9, 9, 9.5, 10]) * 60,
        today: clock.localDay(this.nowMs),
      };
      this.facilities.push(facility);
      const createdAt = random.between(this.organizationCreatedMs, this.nowMs - 400 * dayMs);
      facilityRows.push({
        id: facility.id,
        organizationId: this.organizationId,
        name: facility.name,
        timezone: zone.timeZone,
        specialty,
        // A satellite location that is not offered for online booking.
        isVisible: index === 0 || index < facilityCount - 1 || random.chance(0.7),
        organizationNpi: random.chance(0.9) ? makeNpi(random.pick(['1', '2']) + random.digits(8)) : null,
        createdAt,
        updatedAt: random.between(createdAt.getTime(), this.nowMs - 30 * dayMs),
      });
    }
    await this.writer.write('Facility', facilityRows);

    const providerCount = Math.max(minimumProviders, Math.round(this.spec.patients / patientsPerProvider));
    const providerRows: Row<'Provider'>[] = [];
    const usernames = new Set<string>();
    const npis = new Set<string>();
    const surgeonWeight = this.practice === 'dermatology' ? 12 : 2;
    for (let index = 0; index < providerCount; index++) {
      // The first provider of each facility is a visible physician, so every facility can be booked.
      const anchor = index < facilityCount;
      const role: ProviderRole = anchor
        ? 'Physician'
        : random.weighted<ProviderRole>([
            ['Physician', 35],
            ['Surgeon', surgeonWeight],
            ['Nurse Practitioner', 22],
            ['Physician Assistant', 17],
            ['Medical Assistant', 16],
          ]);
      const roles: ProviderRole[] =
        role === 'Surgeon' ? (random.chance(0.6) ? ['Physician', 'Surgeon'] : ['Surgeon'])
        : role === 'Physician' && this.practice === 'dermatology' && random.chance(0.2) ? ['Physician', 'Surgeon']
        : [role];
      const sex = random.pick(['female', 'male'] as const);
      const firstName = random.faker.person.firstName(sex);
      const lastName = random.faker.person.lastName();
      const credential = random.pick(roleCredentials[role]);
      const physician = roles.includes('Physician') || roles.includes('Surgeon');
      const clinician = role !== 'Medical Assistant';
      let username = `${firstName[0] ?? 'x'}${lastName}`.toLowerCase().replace(/[^a-z]/g, '');
      for (let suffix = 2; usernames.has(username); suffix++) username = username.replace(/\d+$/, '') + suffix;
      usernames.add(username);
      let npi: string | null = null;
      if (clinician || random.chance(0.2)) {
        do npi = makeNpi(`1${random.digits(8)}`);
        while (npis.has(npi));
        npis.add(npi);
      }
      const hidden = !anchor && random.chance(0.08);
      const provider: ProviderInfo = {
        id: random.id('Provider'),
        roles,
        homeFacility: anchor ? index : random.int(0, facilityCount - 1),
        hidden,
        physician,
        clinician,
      };
      this.providers.push(provider);
      const createdAt = random.between(this.organizationCreatedMs, this.nowMs - 220 * dayMs);
      providerRows.push({
        id: provider.id,
        organizationId: this.organizationId,
        firstName,
        lastName,
        displayFirstName: physician ? `Dr. ${firstName}` : firstName,
        displayLastName: `${lastName}, ${credential}`,
        username,
        roles,
        individualNpi: npi,
        canFinalize: physician || (clinician && random.chance(0.8)),
        canCosign: physician && random.chance(0.9),
        hidden,
        createdAt,
        updatedAt: hidden ? random.between(this.nowMs - 150 * dayMs, this.nowMs - 60 * dayMs) : random.between(createdAt.getTime(), this.nowMs),
      });
    }
    await this.writer.write('Provider', providerRows);

    this.visibleCliniciansAt = this.facilities.map((f) => this.providers.filter((p) => p.clinician && !p.hidden && p.homeFacility === f.index));
    this.allCliniciansAt = this.facilities.map((f) => this.providers.filter((p) => p.clinician && p.homeFacility === f.index));
    this.physiciansAt = this.facilities.map((f) => this.providers.filter((p) => p.physician && !p.hidden && p.homeFacility === f.index));
  }

  // ── Products ──

  private async products(): Promise<ProductInfo[]> {
    const random = this.random;
    const count = productCountFor(this.spec.patients);
    const catalog = expandedCatalog();
    const fitting = random.shuffled(catalog.filter((p) => p.practices.includes(this.practice)));
    const others = random.shuffled(catalog.filter((p) => !p.practices.includes(this.practice)));
    const chosen = [...fitting, ...others].slice(0, count);
    const rows: Row<'Product'>[] = [];
    const products: ProductInfo[] = [];
    const windowStartMs = this.nowMs - daysOfHistory * dayMs;
    for (const [index, entry] of chosen.entries()) {
      const createdAt = random.between(this.organizationCreatedMs, windowStartMs - 10 * dayMs);
      // Every catalog has at least one archived product, so even a small clinic shows the state.
      const archived = index === chosen.length - 1 || random.chance(0.04);
      const archivedAt = archived ? random.between(windowStartMs + 30 * dayMs, this.nowMs - 5 * dayMs) : null;
      const product: ProductInfo = {
        id: random.id('Product'),
        gtin: entry.gtin,
        serialized: entry.serialized,
        archivedAtMs: archivedAt?.getTime() ?? null,
        catalog: entry,
      };
      products.push(product);
      const metadata: ProductMetadata = {
        ...entry.metadata,
        binLocation: `${random.pick(['A', 'B', 'C', 'D', 'R', 'F'])}${random.int(1, 12)}-${random.int(1, 6)}`,
        ...(entry.ndc ? { ndc11: ndcToNdc11(entry.ndc) } : {}),
      };
      rows.push({
        id: product.id,
        organizationId: this.organizationId,
        gtin: entry.gtin,
        additionalGtins: entry.additionalGtins,
        customBarcode: entry.customBarcode,
        ndc: entry.ndc,
        name: entry.name,
        manufacturer: entry.manufacturer,
        type: entry.type,
        description: entry.description,
        unitOfMeasure: entry.unitOfMeasure,
        quantityPerUnit: entry.quantityPerUnit,
        metadata,
        archivedAt,
        createdAt,
        updatedAt: archivedAt ?? random.between(createdAt.getTime(), windowStartMs),
      });
    }
    await this.writer.write('Product', rows);
    return products;
  }

  // ── Inventory ──

  private async inventory(products: ProductInfo[]): Promise<void> {
    const random = this.random;
    const facilityCount = this.facilities.length;
    const productCount = products.length;
    const stock = new Int32Array(facilityCount * productCount);
    const stockUpdatedMs = new Float64Array(facilityCount * productCount);
    const stockedAt: number[][] = this.facilities.map(() => []);
    const changes: Row<'InventoryChange'>[] = [];
    const items: Row<'InventoryChangeItem'>[] = [];

    interface PlannedChange {
      facility: FacilityInfo;
      createdMs: number;
      type: InventoryChangeType;
      forceOpen: boolean;
    }
    // About one change per product per facility: a 10,000-patient clinic gets thousands, a demo clinic dozens.
    const perFacility = Math.max(20, productCount);
    const windowStartMs = this.nowMs - daysOfHistory * dayMs;
    const planned: PlannedChange[] = [];
    for (const facility of this.facilities) {
      const times = Array.from({ length: perFacility }, () => random.int(windowStartMs, this.nowMs - 30 * minuteMs)).sort((a, b) => a - b);
      times.forEach((createdMs, index) => {
        const type: InventoryChangeType =
          index < 3 ? 'receiving' : random.weighted<InventoryChangeType>([['receiving', 40], ['adjustment', 25], ['transfer', 15], ['waste', 20]]);
        planned.push({ facility, createdMs, type, forceOpen: index === times.length - 1 });
      });
    }
    planned.sort((a, b) => a.createdMs - b.createdMs || a.facility.index - b.facility.index);

    const activeAt = (product: ProductInfo, ms: number) => product.archivedAtMs === null || ms < product.archivedAtMs;

    const pickIncoming = (ms: number): ProductInfo | null => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const product = random.pick(products);
        if (activeAt(product, ms)) return product;
      }
      return null;
    };
    const pickOutgoing = (facility: FacilityInfo, ms: number): number | null => {
      const candidates = stockedAt[facility.index] ?? [];
      if (candidates.length === 0) return null;
      for (let attempt = 0; attempt < 8; attempt++) {
        const productIndex = random.pick(candidates);
        if ((stock[facility.index * productCount + productIndex] ?? 0) > 0 && activeAt(products[productIndex] as ProductInfo, ms)) return productIndex;
      }
      return null;
    };

    interface PlannedItem {
      productIndex: number;
      quantity: number;
      note: string | null;
    }

    /** Writes one change and its items; a closed change moves stock. `barcodeFrom` re-scans another change's items (transfer arrivals). */
    const recordChange = (
      facility: FacilityInfo,
      createdMs: number,
      type: InventoryChangeType,
      name: string,
      open: boolean,
      notes: string | null,
      planItems: PlannedItem[],
      barcodeFrom?: Row<'InventoryChangeItem'>[],
    ): Row<'InventoryChangeItem'>[] => {
      const closedMs = open ? null : Math.min(createdMs + random.int(15 * minuteMs, 8 * hourMs), this.nowMs - minuteMs);
      const changeId = random.id('InventoryChange');
      const emitted: Row<'InventoryChangeItem'>[] = [];
      let itemMs = createdMs;
      planItems.forEach((planItem, index) => {
        const product = products[planItem.productIndex] as ProductInfo;
        itemMs += random.int(10_000, 120_000);
        const source = barcodeFrom?.[index];
        const item = source
          ? { ...source, id: random.id('InventoryChangeItem'), changeId, quantity: planItem.quantity, notes: planItem.note, createdAt: new Date(itemMs) }
          : this.inventoryItem(changeId, product, planItem.quantity, planItem.note, itemMs, facility);
        emitted.push(item);
        if (closedMs !== null) {
          const slot = facility.index * productCount + planItem.productIndex;
          stock[slot] = (stock[slot] ?? 0) + planItem.quantity;
          stockUpdatedMs[slot] = Math.max(stockUpdatedMs[slot] ?? 0, closedMs);
          if (planItem.quantity > 0 && !(stockedAt[facility.index] ?? []).includes(planItem.productIndex)) stockedAt[facility.index]?.push(planItem.productIndex);
        }
      });
      items.push(...emitted);
      changes.push({
        id: changeId,
        organizationId: this.organizationId,
        facilityId: facility.id,
        name,
        type,
        status: open ? 'open' : 'closed',
        notes,
        closedAt: closedMs === null ? null : new Date(closedMs),
        createdAt: new Date(createdMs),
        updatedAt: new Date(closedMs ?? itemMs),
      });
      return emitted;
    };

    for (const change of planned) {
      const { facility, createdMs } = change;
      let type = change.type;
      const day = facility.clock.localDay(createdMs);
      const open = change.forceOpen || (createdMs > this.nowMs - 7 * dayMs ? random.chance(0.5) : random.chance(0.03));
      const wanted = random.int(type === 'receiving' ? 2 : 1, 6);
      const planItems: PlannedItem[] = [];
      const usedProducts = new Set<number>();
      const positive = type === 'receiving' || (type === 'adjustment' && random.chance(0.4));
      for (let i = 0; i < wanted; i++) {
        if (positive) {
          const product = pickIncoming(createdMs);
          if (!product) continue;
          const productIndex = products.indexOf(product);
          if (usedProducts.has(productIndex)) continue;
          usedProducts.add(productIndex);
          const quantity = type === 'receiving' ? random.int(1, product.catalog.type === 'device' ? 2 : 24) : random.int(1, 4);
          planItems.push({ productIndex, quantity, note: type === 'adjustment' ? 'Cycle count overage' : null });
        } else {
          const productIndex = pickOutgoing(facility, createdMs);
          if (productIndex === null || usedProducts.has(productIndex)) continue;
          usedProducts.add(productIndex);
          const onHand = stock[facility.index * productCount + productIndex] ?? 0;
          const quantity = -Math.min(onHand, random.int(1, type === 'transfer' ? 10 : 4));
          const note =
            type === 'waste' ? random.pick(['Expired', 'Damaged', 'Opened multi-dose vial past 28 days', 'Temperature excursion', 'Dropped'])
            : type === 'adjustment' ? 'Cycle count shortage'
            : null;
          planItems.push({ productIndex, quantity, note });
        }
      }
      if (planItems.length === 0) {
        // Nothing on the shelf to take out yet: this session becomes a delivery instead.
        const product = pickIncoming(createdMs) ?? (products[0] as ProductInfo);
        type = 'receiving';
        planItems.push({ productIndex: products.indexOf(product), quantity: random.int(1, 12), note: null });
      }

      if (type === 'transfer' && this.facilities.length > 1) {
        const destination = random.pick(this.facilities.filter((f) => f !== facility));
        const outgoing = recordChange(facility, createdMs, 'transfer', `Transfer to ${destination.shortName} - ${shortDate(day)}`, open, random.chance(0.3) ? 'Rebalancing stock between locations' : null, planItems);
        const arrivalMs = createdMs + random.int(2 * hourMs, 48 * hourMs);
        const inTransit = open || arrivalMs > this.nowMs - 20 * minuteMs;
        const receivedMs = Math.min(arrivalMs, this.nowMs - 20 * minuteMs);
        recordChange(
          destination,
          receivedMs,
          'transfer',
          `Transfer from ${facility.shortName} - ${shortDate(destination.clock.localDay(receivedMs))}`,
          inTransit,
          null,
          planItems.map((p) => ({ ...p, quantity: -p.quantity, note: null })),
          outgoing,
        );
        continue;
      }
      const name =
        type === 'receiving' ? `${random.pick(['Weekly Receiving', 'Receiving', 'Vendor Delivery', 'Receiving'])} - ${shortDate(day)}`
        : type === 'adjustment' ? `${random.pick(['Cycle Count', 'Inventory Adjustment', 'Monthly Count'])} - ${shortDate(day)}`
        : type === 'waste' ? `${random.pick(['Expired Stock Disposal', 'Waste Log', 'Damaged Goods'])} - ${shortDate(day)}`
        : `Transfer - ${shortDate(day)}`;
      const notes =
        type === 'receiving' && random.chance(0.5) ? `PO ${random.digits(6)}${random.chance(0.2) ? ', partial shipment' : ''}`
        : random.chance(0.1) ? random.pick(['Counted by two staff members', 'Recorded after closing', 'See attached vendor invoice'])
        : null;
      recordChange(facility, createdMs, type, name, open, notes, planItems);
    }

    await this.writer.write('InventoryChange', changes);
    await this.writer.write('InventoryChangeItem', items);

    const stockRows: Row<'StockLevel'>[] = [];
    for (const facility of this.facilities) {
      for (const [productIndex, product] of products.entries()) {
        const slot = facility.index * productCount + productIndex;
        const updatedMs = stockUpdatedMs[slot] || windowStartMs - random.int(1, 30) * dayMs;
        stockRows.push({
          id: random.id('StockLevel'),
          organizationId: this.organizationId,
          facilityId: facility.id,
          productId: product.id,
          quantity: stock[slot] ?? 0,
          updatedAt: new Date(updatedMs),
        });
      }
    }
    await this.writer.write('StockLevel', stockRows);
  }

  private inventoryItem(
    changeId: string,
    product: ProductInfo,
    quantity: number,
    note: string | null,
    createdMs: number,
    facility: FacilityInfo,
  ): Row<'InventoryChangeItem'> {
    const random = this.random;
    const day = facility.clock.localDay(createdMs);
    const expirationDate = utcMidnight(day + random.int(120, 900));
    const lotNumber = random.pattern(random.pick(['?##?###', '#######', '??####?', 'L#####']));
    const base = {
      id: random.id('InventoryChangeItem'),
      organizationId: this.organizationId,
      changeId,
      productId: product.id,
      quantity,
      notes: note,
      createdAt: new Date(createdMs),
    };
    if (product.gtin && random.chance(0.8)) {
      const serialNumber = product.serialized ? random.pattern('************').replace(/^0/, '1') : null;
      const rawBarcode = gs1ElementString({ gtin: product.gtin, lot: lotNumber, expiry: expirationDate, serial: serialNumber });
      return {
        ...base,
        scanSourceType: 'product_packaging',
        rawBarcode,
        gtin: product.gtin,
        lotNumber,
        expirationDate,
        serialNumber,
        parsedFields: parseGs1(rawBarcode),
      };
    }
    // Typed in by hand: no barcode, so nothing parsed; staff often still record lot and expiry.
    const typedLot = random.chance(0.5);
    return {
      ...base,
      scanSourceType: 'manual',
      rawBarcode: null,
      gtin: null,
      lotNumber: typedLot ? lotNumber : null,
      expirationDate: typedLot ? expirationDate : null,
      serialNumber: null,
      parsedFields: {},
    };
  }

  // ── Patients and everything hanging off them ──

  private patientChunk(firstIndex: number, count: number): ClinicalRows {
    const rows = emptyClinicalRows();
    for (let i = 0; i < count; i++) this.patient(firstIndex + i, rows);
    return rows;
  }

  private async writeClinicalRows(rows: ClinicalRows): Promise<void> {
    const { prisma, writer } = this;
    // Parents before children; siblings that do not reference each other go in parallel.
    await writer.write('Patient', rows.patients);
    await Promise.all([
      writer.write('Appointment', rows.appointments),
      writer.write('Bill', rows.bills),
    ]);
    await Promise.all([
      writer.write('CodingGroup', rows.codingGroups),
      writer.write('Claim', rows.claims),
    ]);
    await Promise.all([
      writer.write('Diagnosis', rows.diagnoses),
      writer.write('LineItem', rows.lineItems),
      writer.write('ClaimInsurance', rows.claimInsurances),
    ]);
    await Promise.all([
      writer.write('LineItemModifier', rows.lineItemModifiers),
      writer.write('LineItemDiagnosis', rows.lineItemDiagnoses),
    ]);
  }

  private patient(patientIndex: number, rows: ClinicalRows): void {
    const random = this.random;
    const organizationId = this.organizationId;
    const id = random.id('Patient');
    const genderRoll = random.next();
    const gender = genderRoll < 0.52 ? 'female' : genderRoll < 0.96 ? 'male' : genderRoll < 0.975 ? 'other' : null;
    const sex = gender === 'female' || gender === 'male' ? gender : random.pick(['female', 'male'] as const);
    const firstName = random.faker.person.firstName(sex);
    const lastName = random.faker.person.lastName();
    const middleName = random.chance(0.4) ? random.faker.person.middleName(sex) : null;

    const childShare = this.practice === 'primary_care' ? 22 : 8;
    const ageBand = random.weighted<readonly [number, number]>([
      [[0, 17], childShare],
      [[18, 39], 28],
      [[40, 64], 36],
      [[65, 95], this.practice === 'dermatology' ? 28 : 20],
    ]);
    const ageYears = random.int(ageBand[0], ageBand[1]);
    const dateOfBirth = random.chance(0.97) ? utcMidnight(Math.floor(this.nowMs / dayMs) - ageYears * 365 - Math.floor(ageYears / 4) - random.int(0, 364)) : null;

    this.nextMrn += random.int(1, 3);
    const mrn = random.chance(0.95) ? `MRN-${String(4000 + this.nextMrn).padStart(6, '0')}` : null;
    const emailName = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    // RFC 2606 example domains: fake records must never route mail to a real inbox.
    const email = random.chance(0.85) ? `${emailName}${random.chance(0.4) ? random.int(1, 99) : ''}@${random.pick(['example.com', 'example.org', 'example.net'])}` : null;
    const phone = random.chance(0.92) ? `(${random.pick(areaCodes)}) ${random.int(201, 989)}-${random.digits(4)}` : null;

    const homeFacility = random.weighted(this.facilities.map((f, index) => [f.index, index === 0 ? 3 : 2] as const));
    const primaryProvider = random.pick(this.visibleCliniciansAt[homeFacility] ?? this.providers);
    const conditionCount = random.weighted([[1, 40], [2, 35], [3, 25]] as const);
    const conditions = random.shuffled(visitDiagnoses[this.practice]).slice(0, conditionCount);
    const subscriberName = ageYears < 18 || random.chance(0.15) ? `${random.faker.person.firstName()} ${lastName}` : `${firstName} ${lastName}`;
    const { primaryCoverage, secondaryCoverage } = this.coverages(ageYears, subscriberName);
    const patient: PatientInfo = { id, ageYears: dateOfBirth ? ageYears : null, homeFacility, primaryProvider, conditions, primaryCoverage, secondaryCoverage };

    const appointments = this.appointments(patient, patientIndex === 0);
    const firstBookedMs = Math.min(...appointments.map((a) => a.createdAt.getTime()));
    const createdAt = new Date(Math.min(firstBookedMs, this.nowMs) - random.int(0, 3 * dayMs));
    const lastVisitMs = Math.max(createdAt.getTime(), ...appointments.filter((a) => a.status === 'completed').map((a) => a.end.getTime()));
    rows.patients.push({
      id,
      organizationId,
      mrn,
      firstName,
      lastName,
      middleName,
      gender,
      dateOfBirth,
      email,
      phone,
      createdAt,
      updatedAt: new Date(Math.min(this.nowMs, lastVisitMs + random.int(0, 2 * dayMs))),
    });

    let seen = false;
    for (const appointment of appointments) {
      const isNewPatient = !seen;
      // A new patient stays new until a visit actually happens (or is booked and still ahead).
      if (appointment.status !== 'cancelled' && appointment.status !== 'no_show') seen = true;
      const appointmentId = random.id('Appointment');
      const updatedMs =
        appointment.status === 'completed' ? appointment.end.getTime() + random.int(5 * minuteMs, 3 * hourMs)
        : appointment.status === 'checked_in' ? appointment.start.getTime() - random.int(0, 15 * minuteMs)
        : appointment.status === 'scheduled' ? appointment.createdAt.getTime()
        : appointment.status === 'no_show' ? appointment.start.getTime() + random.int(15 * minuteMs, 2 * hourMs)
        : random.int(appointment.createdAt.getTime(), Math.min(appointment.start.getTime(), this.nowMs));
      rows.appointments.push({
        id: appointmentId,
        organizationId,
        patientId: id,
        providerId: appointment.provider.id,
        facilityId: appointment.facility.id,
        scheduledStartDate: appointment.start,
        scheduledEndDate: appointment.end,
        status: appointment.status,
        isNewPatient,
        createdAt: appointment.createdAt,
        updatedAt: new Date(Math.min(this.nowMs, Math.max(updatedMs, appointment.createdAt.getTime()))),
      });
      if (appointment.status === 'completed') this.bill(patient, appointment, isNewPatient, rows);
    }
  }

  private coverages(ageYears: number, subscriberName: string): { primaryCoverage: Coverage | null; secondaryCoverage: Coverage | null } {
    const random = this.random;
    const byKind = (kinds: readonly Payer['kind'][]) => payers.filter((p) => kinds.includes(p.kind));
    let primaryPayer: Payer | null;
    let secondaryPayer: Payer | null = null;
    if (ageYears >= 65) {
      primaryPayer = random.weighted<Payer>([
        [random.pick(byKind(['medicare'])), 65],
        [random.pick(byKind(['medicare_advantage'])), 25],
        [random.pick(byKind(['commercial'])), 10],
      ]);
      if (primaryPayer.kind === 'medicare') {
        const roll = random.next();
        secondaryPayer = roll < 0.45 ? random.pick(byKind(['medicare_supplement'])) : roll < 0.55 ? random.pick(byKind(['medicaid'])) : null;
      }
    } else {
      const roll = random.next();
      const medicaidShare = ageYears < 18 ? 0.35 : 0.15;
      primaryPayer =
        roll < 0.08 ? null
        : roll < 0.08 + medicaidShare ? random.pick(byKind(['medicaid']))
        : roll < 0.11 + medicaidShare ? random.pick(byKind(['military']))
        : random.pick(byKind(['commercial']));
      if (primaryPayer?.kind === 'commercial' && random.chance(0.1)) {
        secondaryPayer = random.pick(byKind(['commercial']).filter((p) => p !== primaryPayer));
      }
    }
    const coverage = (payer: Payer): Coverage => {
      const memberId = payer.memberIdPattern === 'MBI' ? this.medicareBeneficiaryIdentifier() : random.pattern(payer.memberIdPattern);
      return {
        payer,
        plan: random.pick(payer.plans),
        memberId,
        groupNumber: payer.groupNumberPattern ? random.pattern(payer.groupNumberPattern) : null,
        policyNumber: payer.kind === 'commercial' && random.chance(0.5) ? random.pattern('###-####-####') : memberId,
        subscriberName,
        copayCents: Math.round(random.int(payer.copayCents[0], payer.copayCents[1]) / 500) * 500,
        deductibleCents: Math.round(random.int(payer.deductibleCents[0], payer.deductibleCents[1]) / 2500) * 2500,
        deductibleUseRate: 0.4 + random.next() * 1.4,
      };
    };
    return {
      primaryCoverage: primaryPayer ? coverage(primaryPayer) : null,
      secondaryCoverage: secondaryPayer ? coverage(secondaryPayer) : null,
    };
  }

  /** CMS's MBI layout: digit 1-9, letter, letter-or-digit, digit, letter, letter-or-digit, digit, letter, letter, digit, digit (no S, L, O, I, B, Z). */
  private medicareBeneficiaryIdentifier(): string {
    const random = this.random;
    const letter = () => random.pick(mbiLetters);
    const letterOrDigit = () => (random.chance(0.5) ? letter() : String(random.int(0, 9)));
    const digit = () => String(random.int(0, 9));
    return `${random.int(1, 9)}${letter()}${letterOrDigit()}${digit()}${letter()}${letterOrDigit()}${digit()}${letter()}${letter()}${digit()}${digit()}`;
  }

  private appointments(patient: PatientInfo, coverEveryStatus: boolean): PlannedAppointment[] {
    const random = this.random;
    const count = random.int(appointmentsPerPatient[0], appointmentsPerPatient[1]);
    // The clinic's first patient gets one appointment of every status, so small clinics show them all.
    const forced: Array<{ when: 'past' | 'future'; status: AppointmentStatus }> = coverEveryStatus
      ? [
          { when: 'past', status: 'completed' },
          { when: 'past', status: 'no_show' },
          { when: 'past', status: 'cancelled' },
          { when: 'past', status: 'checked_in' },
          { when: 'future', status: 'scheduled' },
          { when: 'future', status: 'confirmed' },
          { when: 'future', status: 'cancelled' },
        ]
      : [];
    const planned: PlannedAppointment[] = [];
    for (let i = 0; i < Math.max(count, forced.length); i++) {
      const force = forced[i];
      const facility = (random.chance(0.85) ? this.facilities[patient.homeFacility] : random.pick(this.facilities)) as FacilityInfo;
      let offset: number;
      let day: DayNumber;
      do {
        offset =
          force?.status === 'checked_in' ? -random.int(0, 3)
          : force?.when === 'past' ? -random.int(4, daysOfHistory)
          : force?.when === 'future' ? random.int(1, daysOfFuture)
          : random.int(-daysOfHistory, daysOfFuture);
        day = facility.today + offset;
      } while (isWeekend(day));
      const lengthMinutes = random.weighted([[15, 25], [30, 45], [45, 17], [60, 13]] as const);
      const slots = Math.floor((facility.closeMinute - facility.openMinute - lengthMinutes) / 15);
      let start = facility.clock.instant(day, facility.openMinute + random.int(0, slots) * 15);
      if (force?.when === 'past' && start.getTime() >= this.nowMs) {
        // Later today is not the past: take the previous weekday's first slot.
        day -= isWeekend(day - 1) ? 3 : 1;
        start = facility.clock.instant(day, facility.openMinute);
      }
      const end = new Date(start.getTime() + lengthMinutes * minuteMs);
      const past = start.getTime() < this.nowMs;
      const daysAgo = (this.nowMs - start.getTime()) / dayMs;
      const status: AppointmentStatus =
        force?.status ??
        (past
          ? random.weighted<AppointmentStatus>([
              ['completed', 78],
              ['cancelled', 11],
              ['no_show', 9],
              ['checked_in', daysAgo < 3 ? 10 : 0.4],
            ])
          : random.weighted<AppointmentStatus>([
              ['scheduled', daysAgo > -3 ? 20 : 50],
              ['confirmed', daysAgo > -3 ? 70 : 40],
              ['cancelled', 10],
            ]));
      // Departed (hidden) providers only appear in older history.
      const pool = past && daysAgo > 60 ? this.allCliniciansAt[facility.index] : this.visibleCliniciansAt[facility.index];
      const provider =
        facility.index === patient.homeFacility && random.chance(0.75) ? patient.primaryProvider : random.pick(pool && pool.length > 0 ? pool : [patient.primaryProvider]);
      const leadMs = random.int(2 * hourMs, 45 * dayMs);
      const createdAt = new Date(Math.min(start.getTime() - leadMs, this.nowMs - random.int(hourMs, 3 * dayMs)));
      planned.push({ facility, provider, day, start, end, status, createdAt });
    }
    return planned.sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  private nextHumanId(): string {
    let value: number;
    do value = this.random.int(10_000, this.humanIdMax);
    while (this.usedHumanIds.has(value));
    this.usedHumanIds.add(value);
    return `BILL-${value}`;
  }

  private bill(patient: PatientInfo, appointment: PlannedAppointment, isNewPatient: boolean, rows: ClinicalRows): void {
    const random = this.random;
    const organizationId = this.organizationId;
    const { facility, provider } = appointment;
    const billId = random.id('Bill');
    const ageDays = (this.nowMs - appointment.end.getTime()) / dayMs;
    const virtualEncounter = random.chance(this.practice === 'primary_care' ? 0.06 : 0.02);
    const supervising = this.physiciansAt[facility.index] ?? [];
    const billUnder = !provider.physician && supervising.length > 0 && random.chance(0.4) ? random.pick(supervising) : provider;
    const billCreatedMs = Math.min(this.nowMs, appointment.start.getTime() + random.int(0, 20 * minuteMs));

    const groupCount = !virtualEncounter && random.chance(0.15) ? 2 : 1;
    const pricedLines: PricedLine[] = [];
    let cosmetic = false;
    let lab = false;
    let anyDraft = false;
    let lastGroupUpdateMs = billCreatedMs;
    let firstGroupCodes = new Set<string>();
    for (let position = 1; position <= groupCount; position++) {
      const groupId = random.id('CodingGroup');
      const finalized = ageDays > 5 ? random.chance(0.94) : random.chance(0.3);
      anyDraft ||= !finalized;
      const groupCreatedMs = Math.min(this.nowMs, appointment.end.getTime() + random.int(5 * minuteMs, 3 * hourMs));
      const groupUpdatedMs = Math.min(this.nowMs, groupCreatedMs + (finalized ? random.int(30 * minuteMs, 72 * hourMs) : random.int(0, 4 * hourMs)));
      lastGroupUpdateMs = Math.max(lastGroupUpdateMs, groupUpdatedMs);
      rows.codingGroups.push({
        id: groupId,
        organizationId,
        billId,
        status: finalized ? 'finalized' : 'draft',
        position,
        createdAt: new Date(groupCreatedMs),
        updatedAt: new Date(groupUpdatedMs),
      });
      const coded = this.codeGroup(patient, groupId, position === 1, isNewPatient, virtualEncounter, firstGroupCodes, rows);
      if (position === 1) firstGroupCodes = coded.codes;
      cosmetic ||= coded.cosmetic;
      lab ||= coded.lab;
      pricedLines.push(...coded.lines);
    }

    const totalCents = pricedLines.reduce((sum, line) => sum + line.totalCents, 0);
    const isBillable = totalCents > 0;
    rows.bills.push({
      id: billId,
      organizationId,
      humanId: this.nextHumanId(),
      dateOfService: utcMidnight(appointment.day),
      billingType: random.chance(0.92) ? 'professional' : 'institutional',
      isCosmetic: cosmetic,
      isBillable,
      virtualEncounter,
      isEmCodingEnabled: !cosmetic && random.chance(0.9),
      patientId: patient.id,
      primaryProviderId: provider.id,
      billUnderProviderId: billUnder.id,
      facilityId: facility.id,
      specialty: facility.specialty,
      createdAt: new Date(billCreatedMs),
      updatedAt: new Date(lastGroupUpdateMs),
    });

    const coverage = patient.primaryCoverage;
    const claimable = coverage !== null && !cosmetic && isBillable;
    let primaryStatus: ClaimStatus | null = null;
    let secondaryStatus: ClaimStatus | null = null;
    if (claimable && random.chance(anyDraft ? 0.5 : 0.72)) {
      const claimCtx = { patient, appointment, billId, billUnder, totalCents, lab };
      const primary = this.claim(claimCtx, [coverage], anyDraft ? 'draft' : this.claimStatusFor(ageDays), appointment.day, rows);
      primaryStatus = primary.status;
      const secondary = patient.secondaryCoverage;
      if (secondary && primary.status === 'paid' && random.chance(0.8)) {
        const filedDay = Math.floor(primary.updatedMs / dayMs) + random.int(1, 5);
        if (filedDay <= facility.today) {
          const sinceFiled = facility.today - filedDay;
          const status = sinceFiled < 7 ? random.pick<ClaimStatus>(['draft', 'submitted', 'submitted', 'accepted']) : this.claimStatusFor(sinceFiled);
          secondaryStatus = this.claim(claimCtx, [coverage, secondary], status, filedDay, rows).status;
        }
      }
    }

    // What is still owed on each line, from how the claims went.
    const patientShare =
      cosmetic || !claimable || primaryStatus === null ? (ageDays > 30 && random.chance(0.6) ? 0 : 1)
      : secondaryStatus === 'paid' ? 0
      : primaryStatus === 'paid' ? (random.chance(0.5) ? 0 : random.int(5, 30) / 100)
      : 1;
    for (const line of pricedLines) {
      line.row.balance = money(Math.min(line.totalCents, Math.round(line.totalCents * patientShare)));
    }
  }

  private claimStatusFor(ageDays: number): ClaimStatus {
    const random = this.random;
    if (ageDays < 7) return random.weighted<ClaimStatus>([['draft', 45], ['submitted', 50], ['rejected', 5]]);
    if (ageDays < 30) return random.weighted<ClaimStatus>([['draft', 3], ['submitted', 25], ['accepted', 30], ['rejected', 7], ['paid', 30], ['denied', 5]]);
    return random.weighted<ClaimStatus>([['draft', 2], ['submitted', 4], ['accepted', 9], ['rejected', 5], ['paid', 72], ['denied', 8]]);
  }

  private claim(
    context: { patient: PatientInfo; appointment: PlannedAppointment; billId: string; billUnder: ProviderInfo; totalCents: number; lab: boolean },
    coverages: Coverage[],
    status: ClaimStatus,
    filedFromDay: DayNumber,
    rows: ClinicalRows,
  ): { status: ClaimStatus; updatedMs: number } {
    const random = this.random;
    const { appointment, patient } = context;
    const today = appointment.facility.today;
    const id = random.id('Claim');
    const createdDay = Math.min(today, filedFromDay + random.int(0, 4));
    const submittedDay = status === 'draft' ? null : Math.min(today, createdDay + random.int(0, 2));
    const createdMs = Math.min(this.nowMs - minuteMs, Math.max(appointment.end.getTime(), appointment.facility.clock.instant(createdDay, random.int(8 * 60, 18 * 60)).getTime()));
    const settledMs =
      status === 'draft' ? createdMs + random.int(0, 2 * hourMs)
      : status === 'submitted' ? createdMs + random.int(hourMs, 3 * dayMs)
      : createdMs + random.int(5 * dayMs, 35 * dayMs);
    const updatedMs = Math.min(this.nowMs - minuteMs, settledMs);
    rows.claims.push({
      id,
      organizationId: this.organizationId,
      billId: context.billId,
      patientId: patient.id,
      facilityId: appointment.facility.id,
      renderingProviderId: appointment.provider.id,
      billingProviderId: context.billUnder.id,
      claimAmount: money(context.totalCents),
      balance: money(status === 'paid' ? 0 : context.totalCents),
      claimStatus: status,
      submittedDate: submittedDay === null ? null : utcMidnight(submittedDay),
      claimCreatedDate: utcMidnight(createdDay),
      dateOfService: utcMidnight(appointment.day),
      cliaNumber: context.lab ? appointment.facility.cliaNumber : null,
      createdAt: new Date(createdMs),
      updatedAt: new Date(updatedMs),
    });
    const yearFraction = ((appointment.day * dayMs - Date.UTC(utcMidnight(appointment.day).getUTCFullYear(), 0, 1)) / dayMs) / 365;
    coverages.forEach((coverage, index) => {
      const used = Math.min(1, yearFraction * coverage.deductibleUseRate);
      rows.claimInsurances.push({
        id: random.id('ClaimInsurance'),
        organizationId: this.organizationId,
        claimId: id,
        payerName: coverage.payer.name,
        planName: coverage.plan.planName,
        policyType: coverage.plan.policyType,
        isPrimary: index === 0,
        memberId: coverage.memberId,
        groupNumber: coverage.groupNumber,
        policyNumber: coverage.policyNumber,
        subscriberName: coverage.subscriberName,
        copayAmount: money(coverage.copayCents),
        deductibleRemaining: money(Math.round((coverage.deductibleCents * (1 - used)) / 100) * 100),
        position: index + 1,
      });
    });
    return { status, updatedMs };
  }

  /** One coding group: diagnoses, line items with units and charges, modifiers, diagnosis pointers. */
  private codeGroup(
    patient: PatientInfo,
    groupId: string,
    withVisit: boolean,
    isNewPatient: boolean,
    virtualEncounter: boolean,
    firstGroupCodes: ReadonlySet<string>,
    rows: ClinicalRows,
  ): { lines: PricedLine[]; codes: Set<string>; cosmetic: boolean; lab: boolean } {
    const random = this.random;
    const organizationId = this.organizationId;
    const practicePatterns = encounterPatterns.filter((p) => p.practice === this.practice && (withVisit || !('cosmetic' in p)));
    const pattern: EncounterPattern | null =
      virtualEncounter ? null
      : !withVisit || random.chance(this.practice === 'dermatology' ? 0.55 : 0.4) ? random.weighted(practicePatterns.map((p) => [p, p.weight] as const))
      : null;
    const cosmetic = pattern?.cosmetic === true;
    const age = patient.ageYears ?? 45;

    interface PlannedLine {
      code: ProcedureCodeValue;
      units: number;
      modifiers: string[];
      pointsTo: 'all' | 'pattern' | 'chronic' | 'first';
    }
    const lines: PlannedLine[] = [];
    const diagnosisCodes: string[] = [];
    if (withVisit && !cosmetic) {
      const postOp = this.practice === 'dermatology' && !isNewPatient && !pattern && random.chance(0.06);
      const preventive = this.practice === 'primary_care' && !pattern && !virtualEncounter && random.chance(0.15);
      if (postOp) {
        lines.push({ code: '99024', units: 1, modifiers: [], pointsTo: 'all' });
        diagnosisCodes.push('Z48.817');
      } else if (preventive) {
        const medicare = patient.primaryCoverage?.payer.kind === 'medicare';
        const code: ProcedureCodeValue =
          medicare ? 'G0439' : age < 5 ? '99392' : age < 12 ? '99393' : age < 18 ? '99394' : age < 40 ? '99395' : age < 65 ? '99396' : '99397';
        lines.push({ code, units: 1, modifiers: [], pointsTo: 'all' });
        diagnosisCodes.push(age < 18 ? 'Z00.129' : 'Z00.00');
      } else {
        const code: ProcedureCodeValue = isNewPatient
          ? random.weighted<(typeof newPatientVisitCodes)[number]>([['99202', 10], ['99203', 45], ['99204', 35], ['99205', 10]])
          : random.weighted<(typeof establishedPatientVisitCodes)[number]>([['99211', 3], ['99212', 12], ['99213', 45], ['99214', 33], ['99215', 7]]);
        const modifiers: string[] = [];
        if (virtualEncounter) modifiers.push(random.chance(0.85) ? '95' : 'GT');
        if (pattern && !pattern.lab) modifiers.push('25');
        lines.push({ code, units: 1, modifiers, pointsTo: 'all' });
      }
    }
    if (pattern) {
      const indication = random.pick(pattern.indications);
      diagnosisCodes.push(indication);
      for (const line of pattern.lines) {
        if (line.probability !== undefined && !random.chance(line.probability)) continue;
        const modifiers: string[] = (line.modifiers ?? []).map((m) => (m === 'RT' && random.chance(0.5) ? 'LT' : m));
        lines.push({ code: line.code, units: random.int(line.units[0], line.units[1]), modifiers, pointsTo: 'pattern' });
      }
      // A second group repeating a procedure of the first was done on another site: mark it distinct.
      const firstProcedure = lines.find((l) => l.pointsTo === 'pattern');
      if (!withVisit && firstProcedure && firstGroupCodes.has(firstProcedure.code)) firstProcedure.modifiers.push(random.chance(0.7) ? 'XS' : '59');
    }
    // Visits also address the patient's ongoing conditions, and now and then something new.
    const extra = withVisit && !cosmetic ? random.weighted([[0, 35], [1, 35], [2, 20], [3, 10]] as const) + (diagnosisCodes.length === 0 ? 1 : 0) : 0;
    const wantedDiagnoses = Math.min(4, diagnosisCodes.length + extra);
    for (const code of random.shuffled(patient.conditions)) {
      if (diagnosisCodes.length >= wantedDiagnoses) break;
      if (!diagnosisCodes.includes(code)) diagnosisCodes.push(code);
    }
    if (diagnosisCodes.length === 0 || (diagnosisCodes.length < wantedDiagnoses && random.chance(0.3))) {
      const fresh = random.pick(visitDiagnoses[this.practice]);
      if (!diagnosisCodes.includes(fresh)) diagnosisCodes.push(fresh);
    }

    const chronicPositions = diagnosisCodes.map((code, index) => (chronicConditions.has(code) ? index + 1 : 0)).filter((p) => p > 0);
    const visitLine = lines[0];
    if (this.practice === 'primary_care' && withVisit && visitLine && (establishedPatientVisitCodes as readonly string[]).includes(visitLine.code) && chronicPositions.length > 0 && lines.length < 4 && random.chance(0.5)) {
      lines.push({ code: 'G2211', units: 1, modifiers: [], pointsTo: 'chronic' });
    }

    diagnosisCodes.forEach((code, index) => {
      const entry = icd10ByCode.get(code);
      if (!entry) throw new Error(`Diagnosis code ${code} is missing from the ICD-10-CM table`);
      rows.diagnoses.push({
        id: random.id('Diagnosis'),
        organizationId,
        codingGroupId: groupId,
        code: entry.code,
        description: entry.description,
        position: index + 1,
        codeRevision: 'ICD-10-CM',
      });
    });
    const diagnosisIds = rows.diagnoses.slice(-diagnosisCodes.length).map((d) => d.id);
    const patternPosition = pattern ? Math.max(1, diagnosisCodes.indexOf(pattern.indications.find((i) => diagnosisCodes.includes(i)) ?? '') + 1) : 1;

    const priced: PricedLine[] = [];
    for (const [index, line] of lines.slice(0, 4).entries()) {
      const entry = procedure(line.code);
      const totalCents = entry.chargeCents * line.units;
      const lineId = random.id('LineItem');
      const row: Row<'LineItem'> = {
        id: lineId,
        organizationId,
        codingGroupId: groupId,
        code: entry.code,
        codeType: entry.codeType,
        description: entry.description,
        units: line.units,
        charge: money(entry.chargeCents),
        totalCharge: money(totalCents),
        balance: money(totalCents),
        position: index + 1,
      };
      rows.lineItems.push(row);
      priced.push({ row, totalCents });
      line.modifiers.slice(0, 4).forEach((code, modifierIndex) => {
        const modifier = modifierByCode.get(code);
        if (!modifier) throw new Error(`Modifier ${code} is missing from the modifier table`);
        rows.lineItemModifiers.push({
          id: random.id('LineItemModifier'),
          organizationId,
          lineItemId: lineId,
          code: modifier.code,
          name: modifier.name,
          position: modifierIndex + 1,
        });
      });
      const pointers =
        line.pointsTo === 'all' ? diagnosisCodes.map((_, i) => i + 1)
        : line.pointsTo === 'chronic' ? chronicPositions
        : line.pointsTo === 'pattern' ? [patternPosition]
        : [1];
      pointers.slice(0, 4).forEach((diagnosisPosition, pointerIndex) => {
        const diagnosisId = diagnosisIds[diagnosisPosition - 1];
        if (!diagnosisId) return;
        rows.lineItemDiagnoses.push({ organizationId, lineItemId: lineId, diagnosisId, position: pointerIndex + 1 });
      });
    }
    return { lines: priced, codes: new Set(lines.map((l) => l.code)), cosmetic, lab: pattern?.lab === true };
  }
}

const mbiLetters = [...'ACDEFGHJKMNPQRTUVWXY'];
export const areaCodes = ['212', '215', '303', '305', '312', '404', '415', '503', '512', '602', '612', '617', '704', '713', '801', '808', '907', '208', '317', '313', '206', '619', '720', '646'];

// ─── Catalog expansion ──────────────────────────────────────────────────────

/** A sellable product: one catalog entry from one maker in one variant and one pack size. */
export interface CatalogProduct {
  name: string;
  type: CatalogEntry['type'];
  manufacturer: string;
  description: string;
  unitOfMeasure: string;
  quantityPerUnit: number;
  ndc: string | null;
  gtin: string | null;
  additionalGtins: string[];
  customBarcode: string | null;
  practices: readonly Practice[];
  serialized: boolean;
  metadata: ProductMetadata;
}

let catalogCache: CatalogProduct[] | undefined;

/**
 * Every catalog entry × variant × pack. Identifiers are a pure function of the catalog position, so a
 * product has the same NDC and GTIN in every clinic, as in real life.
 */
export function expandedCatalog(): CatalogProduct[] {
  if (catalogCache) return catalogCache;
  const products: CatalogProduct[] = [];
  productCatalog.forEach((entry, entryIndex) => {
    const makers = [{ manufacturer: entry.manufacturer, ndcLabeler: undefined, gs1CompanyPrefix: entry.gs1CompanyPrefix }, ...(entry.alternates ?? [])];
    makers.forEach((maker, makerIndex) => {
      entry.variants.forEach((variant, variantIndex) => {
        entry.packs.forEach((pack, packIndex) => {
          const ndc = !entry.ndc ? null
            : makerIndex === 0 ? stepNdc(entry.ndc, variantIndex, packIndex)
            : maker.ndcLabeler ? alternateNdc(entry.ndc, maker.ndcLabeler, makerIndex * 37 + variantIndex, packIndex)
            : null;
          const prefix = maker.gs1CompanyPrefix;
          const itemReference = String(entryIndex * 100 + variantIndex * 10 + packIndex).padStart(5, '0');
          const gtin = ndc ? gtinFromNdc(ndc) : prefix ? makeGtin14(`00${prefix}${itemReference}`) : null;
          // A case-level GTIN (higher indicator digit) on some products, as distributors ship both.
          const caseGtin =
            gtin && (entryIndex + makerIndex + variantIndex + packIndex) % 3 === 0
              ? ndc ? gtinFromNdc(ndc, 5) : makeGtin14(`10${prefix}${itemReference}`)
              : null;
          products.push({
            name: [entry.name, variant, pack.label].filter(Boolean).join(', '),
            type: entry.type,
            manufacturer: maker.manufacturer,
            description: entry.description,
            unitOfMeasure: pack.unitOfMeasure,
            quantityPerUnit: pack.quantityPerUnit,
            ndc,
            gtin,
            additionalGtins: caseGtin ? [caseGtin] : [],
            customBarcode: gtin ? null : `CG-${itemReference}`,
            practices: entry.practices,
            serialized: entry.serialized,
            metadata: entry.metadata,
          });
        });
      });
    });
  });
  catalogCache = products;
  return products;
}

/** Another labeler's NDC for the same generic: its own layout (4-4-2 for 4-digit labelers, else 5-3-2). */
function alternateNdc(base: string, labeler: string, productStep: number, packageStep: number): string {
  const [, product = '0', pack = '0'] = base.split('-');
  const productWidth = labeler.length === 4 ? 4 : 3;
  const productCode = String((Number(product) + productStep) % 10 ** productWidth).padStart(productWidth, '0');
  const packageCode = String((Number(pack) + packageStep) % 100).padStart(2, '0');
  return `${labeler}-${productCode}-${packageCode}`;
}

/** The NDC of another strength (product segment) or package size (package segment), keeping the layout. */
function stepNdc(base: string, productStep: number, packageStep: number): string {
  const [labeler = '', product = '', pack = ''] = base.split('-');
  const step = (segment: string, by: number) => String((Number(segment) + by) % 10 ** segment.length).padStart(segment.length, '0');
  return `${labeler}-${step(product, productStep)}-${step(pack, packageStep)}`;
}

/** The 11-digit 5-4-2 form billing systems use (a leading zero pads the short segment). */
function ndcToNdc11(ndc: string): string {
  const [labeler = '', product = '', pack = ''] = ndc.split('-');
  return `${labeler.padStart(5, '0')}-${product.padStart(4, '0')}-${pack.padStart(2, '0')}`;
}
