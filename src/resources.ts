import { Prisma } from './generated/prisma/client.js';
import { idPrefixes } from './ids.js';
import { scopeOfType, type GuardedTypeName, type PatientDataType, type Scope } from './scopes.js';

/**
 * The clinic resources: one declaration each. A resource is a Prisma model (its table), a Node type of
 * the same name, guarded by the scope the scope table gives it, and, when that scope guards patient
 * data, the column that leads from a row to its patient. The data layer's table and column lists and
 * row types, node loading, the PHI record's patient links, the dry run and the scope matrix all read
 * this; nothing else lists the clinic tables.
 */
export type ClinicType = Exclude<GuardedTypeName, 'Me'>;

/**
 * A row as the API reads it, on PostgreSQL and on PGlite alike: instants as ISO-8601 text, dates as
 * YYYY-MM-DD, amounts as decimal text (src/db/database.ts reads them so on both databases).
 */
type Served<Value> = Value extends Date ? string : Value extends Prisma.Decimal ? string : Value;
type Stored<T extends ClinicType> = Prisma.TypeMap['model'][T]['payload']['scalars'];
export type Row<T extends ClinicType> = { [Column in keyof Stored<T>]: Served<Stored<T>[Column]> };
export type Rows = { [T in ClinicType]: Row<T> };

/**
 * How a row leads to its patient: `column` holds the patient's id, or, with `via`, the id of the parent
 * row (of that resource) that leads on.
 */
interface PatientLink<T extends ClinicType> {
  column: keyof Row<T> & string;
  via?: PatientDataType;
}

/** A type guarded by a patient-data scope must link to its patient; any other must not claim one. */
interface Declaration<T extends ClinicType> {
  patient: T extends PatientDataType ? PatientLink<T> : null;
}

export const resources = {
  Facility: { patient: null },
  Provider: { patient: null },
  Product: { patient: null },
  InventoryChange: { patient: null },
  InventoryChangeItem: { patient: null },
  StockLevel: { patient: null },
  Patient: { patient: { column: 'id' } },
  Appointment: { patient: { column: 'patientId' } },
  Bill: { patient: { column: 'patientId' } },
  CodingGroup: { patient: { column: 'billId', via: 'Bill' } },
  Diagnosis: { patient: { column: 'codingGroupId', via: 'CodingGroup' } },
  LineItem: { patient: { column: 'codingGroupId', via: 'CodingGroup' } },
  LineItemModifier: { patient: { column: 'lineItemId', via: 'LineItem' } },
  Claim: { patient: { column: 'patientId' } },
  ClaimInsurance: { patient: { column: 'claimId', via: 'Claim' } },
} as const satisfies { [T in ClinicType]: Declaration<T> };

/** The clinic tables, parents before the rows that point at them (the order demo data is written in). */
export const clinicTables = Object.keys(resources) as ClinicType[];

export type PatientBearingType = { [T in ClinicType]: (typeof resources)[T]['patient'] extends null ? never : T }[ClinicType];

export interface Resource {
  name: ClinicType;
  scope: Scope;
  idPrefix: string;
  /** Every column of the table, as Prisma's generated client lists them. */
  columns: ReadonlySet<string>;
  patient: { column: string; via?: PatientBearingType } | null;
}

function columnsOf(name: ClinicType): ReadonlySet<string> {
  const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${name}ScalarFieldEnum`];
  if (!fields) throw new Error(`Resource ${name} has no Prisma model of that name (src/resources.ts).`);
  return new Set(Object.values(fields));
}

export const resourceOf: Readonly<Record<ClinicType, Resource>> = Object.fromEntries(
  clinicTables.map((name) => [
    name,
    { name, scope: scopeOfType[name], idPrefix: idPrefixes[name], columns: columnsOf(name), patient: resources[name].patient } satisfies Resource,
  ]),
) as Record<ClinicType, Resource>;

export function isClinicType(name: string): name is ClinicType {
  return Object.hasOwn(resources, name);
}

type LinkOf<T extends PatientBearingType> = (typeof resources)[T]['patient'] extends { via: infer Via extends PatientBearingType } ? Via : 'Patient';
/** The tables a patient-bearing row points at on its way to its patient. */
export type LinkTable = { [T in PatientBearingType]: LinkOf<T> }[PatientBearingType];

/** The patient links, as the PHI record follows them from a returned row to its patient. */
export const patientLinks = Object.fromEntries(
  clinicTables.flatMap((name) => {
    const link = resources[name].patient;
    return link ? [[name, { table: 'via' in link ? link.via : 'Patient', column: link.column }]] : [];
  }),
) as { [T in PatientBearingType]: { table: LinkOf<T>; column: string } };

// A link that leads nowhere (a parent that is not patient-bearing, or a cycle) would leave rows unrecorded.
for (const name of clinicTables) {
  const seen = new Set<string>();
  for (let at: string = name; at !== 'Patient'; ) {
    const link = (patientLinks as Partial<Record<string, { table: string }>>)[at];
    if (!link) {
      if (at === name) break;
      throw new Error(`Resource ${name} links to ${at}, which does not link to a patient (src/resources.ts).`);
    }
    if (seen.has(at)) throw new Error(`Resource ${name}'s patient link loops through ${at} (src/resources.ts).`);
    seen.add(at);
    at = link.table;
  }
}

/**
 * The statement that names the patients of rows of `table` by id, joining up the declared links
 * (a line item → its coding group → its bill → the bill's patient), every join within the organization;
 * for `Patient`, the ids that exist in the organization.
 */
export function patientLookupSql(table: PatientBearingType, organizationId: string, ids: readonly string[]): Prisma.Sql {
  const joins: Prisma.Sql[] = [];
  let alias = 't0';
  let link: { table: string; column: string } = patientLinks[table];
  for (let hop = 1; link.table !== 'Patient'; hop++) {
    const next = `t${hop}`;
    joins.push(Prisma.raw(`JOIN "${link.table}" ${next} ON ${next}."organizationId" = ${alias}."organizationId" AND ${next}."id" = ${alias}."${link.column}"`));
    alias = next;
    link = (patientLinks as Record<string, { table: string; column: string }>)[link.table]!;
  }
  return Prisma.sql`SELECT ${Prisma.raw(`${alias}."${link.column}"`)} FROM ${Prisma.raw(`"${table}"`)} t0 ${joins.length ? Prisma.join(joins, ' ') : Prisma.empty}
    WHERE t0."organizationId" = ${organizationId} AND t0."id" = ANY(${[...ids]}::text[])`;
}
