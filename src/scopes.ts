/**
 * The scope table: the one place a scope is named. Pothos rules, schema descriptions and directives,
 * `me`, the CLI's validation, docs/scopes.md and the test matrix all derive from it.
 */
export const scopeTable = [
  {
    id: 'read:patients',
    patientData: true,
    title: 'Read patients',
    description: 'Patient demographics and contact details.',
    guards: ['Patient'],
  },
  {
    id: 'read:appointments',
    patientData: true,
    title: 'Read appointments',
    description: 'Appointments: schedule, status and the patient, provider and facility they link.',
    guards: ['Appointment'],
  },
  {
    id: 'read:providers',
    patientData: false,
    title: 'Read providers',
    description: 'Providers (clinicians and staff): names, roles, NPI and signing rights.',
    guards: ['Provider'],
  },
  {
    id: 'read:facilities',
    patientData: false,
    title: 'Read facilities',
    description: 'Facilities: locations, time zones, specialties and organization NPI.',
    guards: ['Facility'],
  },
  {
    id: 'read:bills',
    patientData: true,
    title: 'Read bills',
    description: 'Bills and their coding: coding groups, ICD-10 diagnoses, CPT/HCPCS line items and modifiers.',
    guards: ['Bill', 'CodingGroup', 'Diagnosis', 'LineItem', 'LineItemModifier'],
  },
  {
    id: 'read:claims',
    patientData: true,
    title: 'Read claims',
    description: 'Insurance claims with their amounts, status and insurance entries.',
    guards: ['Claim', 'ClaimInsurance'],
  },
  {
    id: 'read:inventory',
    patientData: false,
    title: 'Read inventory',
    description: 'Inventory changes (receiving, adjustments, transfers, waste), their scanned items and stock levels.',
    guards: ['InventoryChange', 'InventoryChangeItem', 'StockLevel'],
  },
  {
    id: 'read:products',
    patientData: false,
    title: 'Read products',
    description: 'The product catalog: drugs, supplies and devices with GTIN and NDC identifiers.',
    guards: ['Product'],
  },
  {
    id: 'read:marketplace',
    patientData: false,
    title: 'Read marketplace identity',
    description: 'Who the calling app is, where it is installed and which scopes it holds (the `me` query).',
    guards: ['Me'],
  },
] as const;

/** Legacy scope names still honoured: holding the alias counts as holding the target. */
export const scopeAliases = [
  { alias: 'read:encounters', satisfies: 'read:bills', note: 'Legacy name of read:bills.' },
] as const;

export type Scope = (typeof scopeTable)[number]['id'];
export type ScopeAlias = (typeof scopeAliases)[number]['alias'];
export type GuardedTypeName = (typeof scopeTable)[number]['guards'][number];
/** Scopes whose types reveal something about a patient: the consent page marks them, the PHI record covers them. */
export type PatientDataScope = Extract<(typeof scopeTable)[number], { patientData: true }>['id'];
/** Types guarded by a patient-data scope: each must say how its rows lead to their patient (src/resources.ts). */
export type PatientDataType = Extract<(typeof scopeTable)[number], { patientData: true }>['guards'][number];

export const allScopes: readonly Scope[] = scopeTable.map((entry) => entry.id);
const assignable = new Set<string>([...allScopes, ...scopeAliases.map((a) => a.alias)]);

/** Scopes an app may declare, a clinic grant or a key hold: the table plus its aliases. */
export function isAssignableScope(value: string): value is Scope | ScopeAlias {
  return assignable.has(value);
}

export const assignableScopes: readonly string[] = [...assignable];

export const patientDataScopes: ReadonlySet<Scope> = new Set(scopeTable.filter((entry) => entry.patientData).map((entry) => entry.id));

/** The scope that guards a type, wherever that type is reached. */
export const scopeOfType: Readonly<Record<GuardedTypeName, Scope>> = Object.fromEntries(
  scopeTable.flatMap((entry) => entry.guards.map((type) => [type, entry.id])),
) as Record<GuardedTypeName, Scope>;

/** Expands aliases and drops anything not in the table, in table order. */
export function canonicalScopes(held: Iterable<string>): Scope[] {
  const set = new Set<string>(held);
  for (const { alias, satisfies } of scopeAliases) if (set.has(alias)) set.add(satisfies);
  return allScopes.filter((scope) => set.has(scope));
}

/** Effective scopes: what the key holds, the clinic granted and the app declares, all at once. */
export function effectiveScopes(keyScopes: string[], grantedScopes: string[], declaredScopes: string[]): Scope[] {
  const granted = new Set(canonicalScopes(grantedScopes));
  const declared = new Set(canonicalScopes(declaredScopes));
  return canonicalScopes(keyScopes).filter((scope) => granted.has(scope) && declared.has(scope));
}

/** The sentence the REST API uses, kept word for word so apps can match on it. */
export function insufficientScopeMessage(required: readonly string[]): string {
  return `Insufficient scope. Required: ${required.join(', ')}`;
}

export function scopeDescriptionLine(scope: Scope): string {
  return `Requires scope \`${scope}\`.`;
}
