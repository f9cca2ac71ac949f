/**
 * GraphQL operations covering every root field, filter, sort order, search, nested connection and
 * reference of the API, for checking the SQL they send with EXPLAIN on the scale data.
 */
import pg from 'pg';

export interface CorpusEntry {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Why a sequential scan is expected and accepted for this operation (reported, not failed). */
  acceptSeqScan?: string;
  /** Why the API answers this operation with an error by design (it covers the arguments it refuses). */
  refused?: string;
}

/** Ids of the bench clinic's rows the corpus points at, read once from the database. */
export interface CorpusIds {
  patient: string;
  facility: string;
  provider: string;
  role: string;
  product: string;
  appointment: string;
  bill: string;
  claim: string;
  codingGroup: string;
  diagnosis: string;
  lineItem: string;
  modifier: string;
  claimInsurance: string;
  inventoryChange: string;
  inventoryFacility: string;
  inventoryItem: string;
  stockLevel: string;
  patientLastName: string;
  patientEmailDomain: string;
  productGtinPart: string;
  webhookSubscription: string;
}

export async function corpusIds(url: string, organizationId: string): Promise<CorpusIds> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const one = async (sql: string): Promise<string> => {
    const { rows } = await client.query<{ v: string }>(sql, [organizationId]);
    if (!rows[0]) throw new Error(`Bench data lacks a row for: ${sql}`);
    return rows[0].v;
  };
  try {
    // A patient with bills, claims and appointments, so every nested list under it has rows.
    const patient = await one(`SELECT c."patientId" AS v FROM "Claim" c WHERE c."organizationId" = $1 ORDER BY c."id" LIMIT 1`);
    const bill = await one(`SELECT b."id" AS v FROM "Bill" b JOIN "CodingGroup" g ON g."billId" = b."id"
      JOIN "LineItem" l ON l."codingGroupId" = g."id" JOIN "LineItemModifier" m ON m."lineItemId" = l."id"
      JOIN "Claim" c ON c."billId" = b."id" WHERE b."organizationId" = $1 ORDER BY b."id" LIMIT 1`);
    const modifier = await one(`SELECT m."id" AS v FROM "LineItemModifier" m WHERE m."organizationId" = $1 ORDER BY m."id" LIMIT 1`);
    // A paused subscription of each installation in the clinic, made once, so the webhook fields have a row to plan; paused, nothing is sent.
    await client.query(
      `INSERT INTO "WebhookSubscription" ("id", "installationId", "organizationId", "appId", "url", "eventTypes", "secretCiphertext", "secretPrefix", "status", "pausedReason", "pausedAt", "updatedAt")
       SELECT 'whk_' || substr(md5(i."id"), 1, 20), i."id", i."organizationId", i."appId", 'https://bench.invalid/hook', ARRAY['PATIENT'], 'unused', 'unused', 'paused', 'bench:explain', now(), now()
       FROM "InstallationRecord" i WHERE i."organizationId" = $1 AND i."uninstalledAt" IS NULL
       ON CONFLICT ("id") DO NOTHING`,
      [organizationId],
    );
    return {
      patient,
      bill,
      modifier,
      facility: await one(`SELECT "id" AS v FROM "Facility" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      provider: await one(`SELECT "id" AS v FROM "Provider" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      role: await one(`SELECT "roles"[1] AS v FROM "Provider" WHERE "organizationId" = $1 AND cardinality("roles") > 0 ORDER BY "id" LIMIT 1`),
      product: await one(`SELECT "id" AS v FROM "Product" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      appointment: await one(`SELECT "id" AS v FROM "Appointment" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      claim: await one(`SELECT "id" AS v FROM "Claim" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      codingGroup: await one(`SELECT "id" AS v FROM "CodingGroup" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      diagnosis: await one(`SELECT "id" AS v FROM "Diagnosis" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      lineItem: await one(`SELECT "id" AS v FROM "LineItem" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      claimInsurance: await one(`SELECT "id" AS v FROM "ClaimInsurance" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      inventoryChange: await one(`SELECT "id" AS v FROM "InventoryChange" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      inventoryFacility: await one(`SELECT "facilityId" AS v FROM "InventoryChange" WHERE "organizationId" = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
      inventoryItem: await one(`SELECT "id" AS v FROM "InventoryChangeItem" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      stockLevel: await one(`SELECT "id" AS v FROM "StockLevel" WHERE "organizationId" = $1 ORDER BY "id" LIMIT 1`),
      patientLastName: await one(`SELECT lower("lastName") AS v FROM "Patient" WHERE "organizationId" = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`),
      patientEmailDomain: await one(`SELECT split_part("email", '@', 2) AS v FROM "Patient" WHERE "organizationId" = $1 AND "email" IS NOT NULL ORDER BY "id" LIMIT 1`),
      productGtinPart: await one(`SELECT substr("gtin", 4, 6) AS v FROM "Product" WHERE "organizationId" = $1 AND "gtin" IS NOT NULL ORDER BY "id" LIMIT 1`),
      webhookSubscription: await one(`SELECT "id" AS v FROM "WebhookSubscription" WHERE "organizationId" = $1 AND "pausedReason" = 'bench:explain' ORDER BY "id" LIMIT 1`),
    };
  } finally {
    await client.end();
  }
}

const page = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const patientFields = 'id mrn firstName lastName dateOfBirth email phone';
const appointmentFields = 'id scheduledStartDate status isNewPatient';
const billFields = 'id billNumber dateOfService billingType';
const claimFields = 'id claimAmount balance claimStatus dateOfService';

/**
 * The corpus. Entries whose query contains `$after`/`$before` get a cursor from the same list's first
 * page (see `withCursors` in explain.ts).
 */
/** Root lists with an `orderBy`: the order fields each offers, and the filter the list requires. */
export const rootOrders: [list: string, fields: string[], filter: 'inventoryFacility' | null][] = [
  ['patients', ['NAME', 'CREATED_AT', 'UPDATED_AT'], null],
  ['providers', ['NAME', 'CREATED_AT', 'UPDATED_AT'], null],
  ['facilities', ['NAME', 'CREATED_AT', 'UPDATED_AT'], null],
  ['appointments', ['SCHEDULED_START', 'STATUS', 'CREATED_AT', 'UPDATED_AT'], null],
  ['bills', ['DATE_OF_SERVICE', 'CREATED_AT', 'UPDATED_AT'], null],
  ['claims', ['DATE_OF_SERVICE', 'CREATED_AT', 'UPDATED_AT'], null],
  ['products', ['NAME', 'CREATED_AT', 'UPDATED_AT'], null],
  ['inventoryChanges', ['CREATED_AT', 'UPDATED_AT'], 'inventoryFacility'],
  ['stockLevels', ['PRODUCT', 'UPDATED_AT'], 'inventoryFacility'],
];

const listFilter = (filter: 'inventoryFacility' | null, ids: CorpusIds) => (filter ? `facilityId: "${ids[filter]}", ` : '');

export function corpus(ids: CorpusIds): CorpusEntry[] {
  const entries: CorpusEntry[] = [
    // ─── identity and dry runs
    { name: 'me', query: '{ me { app { id slug name } organization { id name } installation { id } key { id } scopes scopeStatus { scope effective reason } } }' },
    { name: 'authorize', query: '{ authorize(document: "{ patients { nodes { id } } }") { allowed requiredScopes missingScopes } }' },

    // ─── patients
    { name: 'patients', query: `{ patients(first: 20) { totalCount nodes { ${patientFields} } ${page} } }` },
    { name: 'patients after', query: `query($after: String) { patients(first: 20, after: $after) { nodes { id } ${page} } }` },
    { name: 'patients last', query: `{ patients(last: 20) { nodes { id } ${page} } }` },
    { name: 'patients last before', query: `query($before: String) { patients(last: 20, before: $before) { nodes { id } } }` },
    { name: 'patients search last name', query: `{ patients(first: 20, search: "${ids.patientLastName}") { totalCount nodes { id } } }` },
    { name: 'patients search two words', query: `{ patients(first: 20, search: "${ids.patientLastName} a") { totalCount nodes { id } } }` },
    { name: 'patients search email domain', query: `{ patients(first: 20, search: "${ids.patientEmailDomain}") { nodes { id } } }` },
    { name: 'patients search phone digits', query: '{ patients(first: 20, search: "(617) 538") { nodes { id } } }' },
    { name: 'patients search mrn', query: '{ patients(first: 20, search: "MRN-0040") { nodes { id } } }' },
    {
      name: 'patients search short term',
      query: '{ patients(first: 20, search: "li") { totalCount nodes { id } } }',
      acceptSeqScan: 'a search term under 3 characters has no trigrams, so no trigram index can serve it',
    },
    { name: 'patient', query: `{ patient(id: "${ids.patient}") { ${patientFields} middleName gender createdAt updatedAt } }` },
    {
      name: 'patient nested lists with filters',
      query: `{ patient(id: "${ids.patient}") {
        appointments(first: 5, dateFrom: "2026-01-01", dateTo: "2026-12-31", statuses: [COMPLETED, SCHEDULED], orderBy: { field: STATUS, direction: DESC }) { totalCount nodes { id } }
        bills(first: 5, dateFrom: "2026-01-01", dateTo: "2026-12-31") { totalCount nodes { id } }
        claims(first: 5, status: SUBMITTED, dateFrom: "2026-01-01", dateTo: "2026-12-31") { totalCount nodes { id } }
      } }`,
    },
    {
      name: 'patient nested lists after cursor',
      query: `query($after: String) { patient(id: "${ids.patient}") { appointments(first: 2, after: $after) { nodes { id } ${page} } } }`,
    },
    {
      name: 'patients → appointments → provider (Q2)',
      query: `{ patients(first: 100) { nodes { id firstName lastName appointments(first: 5) { totalCount nodes { ${appointmentFields} provider { id displayFirstName displayLastName } facility { id name } patient { id } } } } } }`,
    },
    {
      name: 'patients → bills, claims',
      query: `{ patients(first: 100) { nodes { id bills(first: 3) { totalCount nodes { ${billFields} } } claims(first: 3, status: PAID) { totalCount nodes { ${claimFields} } } } } }`,
    },

    // ─── appointments
    { name: 'appointments', query: `{ appointments(first: 20) { totalCount nodes { ${appointmentFields} } ${page} } }` },
    { name: 'appointments asc', query: '{ appointments(first: 20, orderBy: { field: SCHEDULED_START, direction: ASC }) { nodes { id } } }' },
    { name: 'appointments desc', query: '{ appointments(first: 20, orderBy: { field: SCHEDULED_START, direction: DESC }) { nodes { id } } }' },
    { name: 'appointments by status', query: '{ appointments(first: 20, orderBy: { field: STATUS }) { nodes { id } } }' },
    { name: 'appointments by status desc', query: '{ appointments(first: 20, orderBy: { field: STATUS, direction: DESC }) { nodes { id } } }' },
    {
      name: 'appointments by status after',
      query: `query($after: String) { appointments(first: 20, after: $after, orderBy: { field: STATUS }) { nodes { id } ${page} } }`,
    },
    { name: 'appointments last', query: '{ appointments(last: 20) { nodes { id } } }' },
    { name: 'appointments date range', query: '{ appointments(first: 20, dateFrom: "2026-10-01", dateTo: "2026-10-07") { totalCount nodes { id } } }' },
    { name: 'appointments statuses', query: '{ appointments(first: 20, statuses: [NO_SHOW, CANCELLED]) { totalCount nodes { id } } }' },
    {
      name: 'appointments statuses by status',
      query: '{ appointments(first: 20, statuses: [CHECKED_IN], orderBy: { field: STATUS }) { totalCount nodes { id } } }',
    },
    { name: 'appointments facility', query: `{ appointments(first: 20, facilityId: "${ids.facility}") { totalCount nodes { id } } }` },
    { name: 'appointments patient', query: `{ appointments(first: 20, patientId: "${ids.patient}") { totalCount nodes { id } } }` },
    { name: 'appointments provider', query: `{ appointments(first: 20, providerId: "${ids.provider}") { totalCount nodes { id } } }` },
    {
      name: 'appointments provider, dates, statuses',
      query: `{ appointments(first: 20, providerId: "${ids.provider}", dateFrom: "2026-09-01", dateTo: "2026-11-30", statuses: [COMPLETED]) { totalCount nodes { id } } }`,
    },
    {
      name: 'appointments facility by status desc',
      query: `{ appointments(first: 20, facilityId: "${ids.facility}", orderBy: { field: STATUS, direction: DESC }) { nodes { id } } }`,
    },
    {
      name: 'appointment',
      query: `{ appointment(id: "${ids.appointment}") { ${appointmentFields} scheduledEndDate createdAt updatedAt patient { id } provider { id } facility { id } } }`,
    },

    // ─── bills and their coding
    { name: 'bills', query: `{ bills(first: 20) { totalCount nodes { ${billFields} } ${page} } }` },
    { name: 'bills after', query: `query($after: String) { bills(first: 20, after: $after) { nodes { id } } }` },
    { name: 'bills last before', query: `query($before: String) { bills(last: 20, before: $before) { nodes { id } } }` },
    { name: 'bills patient', query: `{ bills(first: 20, patientId: "${ids.patient}") { totalCount nodes { id } } }` },
    { name: 'bills facility', query: `{ bills(first: 20, facilityId: "${ids.facility}") { totalCount nodes { id } } }` },
    { name: 'bills date range', query: '{ bills(first: 20, dateFrom: "2026-08-01", dateTo: "2026-08-31") { totalCount nodes { id } } }' },
    {
      name: 'bills facility, dates',
      query: `{ bills(first: 20, facilityId: "${ids.facility}", dateFrom: "2026-08-01", dateTo: "2026-08-31") { totalCount nodes { id } } }`,
    },
    {
      name: 'bills → everything (Q3 and deeper)',
      query: `{ bills(first: 50) { nodes { ${billFields} isCosmetic specialty
        patient { id firstName lastName } primaryProvider { id } billUnderProvider { id } facility { id }
        codingGroups { id status bill { id }
          diagnoses { code description position codeRevision }
          lineItems { code codeType description units charge totalCharge balance position modifiers { code name } linkedDiagnoses { code } } }
        claims { ${claimFields} insurance { payerName isPrimary claim { id } } } } } }`,
    },
    { name: 'bill', query: `{ bill(id: "${ids.bill}") { ${billFields} codingGroups { id diagnoses { id } lineItems { id modifiers { id } } } claims { id } } }` },

    // ─── claims
    { name: 'claims', query: `{ claims(first: 20) { totalCount nodes { ${claimFields} } ${page} } }` },
    { name: 'claims after', query: `query($after: String) { claims(first: 20, after: $after) { nodes { id } } }` },
    { name: 'claims status', query: '{ claims(first: 20, status: DENIED) { totalCount nodes { id } } }' },
    { name: 'claims patient', query: `{ claims(first: 20, patientId: "${ids.patient}") { totalCount nodes { id } } }` },
    { name: 'claims bill', query: `{ claims(first: 20, billId: "${ids.bill}") { totalCount nodes { id } } }` },
    { name: 'claims date range', query: '{ claims(first: 20, dateFrom: "2026-08-01", dateTo: "2026-08-31") { totalCount nodes { id } } }' },
    {
      name: 'claims status, dates',
      query: '{ claims(first: 20, status: PAID, dateFrom: "2026-06-01", dateTo: "2026-08-31") { totalCount nodes { id } } }',
    },
    {
      name: 'claim',
      query: `{ claim(id: "${ids.claim}") { ${claimFields} submittedDate claimCreatedDate cliaNumber
        bill { id } patient { id } facility { id } renderingProvider { id } billingProvider { id }
        insurance { payerName planName policyType memberId groupNumber policyNumber subscriberName copayAmount deductibleRemaining } } }`,
    },

    // ─── facilities and providers
    { name: 'facilities', query: `{ facilities(first: 20) { totalCount nodes { id name timezone isVisible } ${page} } }` },
    { name: 'facilities search', query: '{ facilities(search: "boise") { nodes { id } } }' },
    { name: 'facilities visible', query: '{ facilities(isVisible: true) { totalCount nodes { id } } }' },
    { name: 'facility', query: `{ facility(id: "${ids.facility}") { id name appointments(first: 10, dateFrom: "2026-10-01") { totalCount nodes { id } } } }` },
    {
      name: 'facilities → appointments',
      query: '{ facilities(first: 10) { nodes { id appointments(first: 5, statuses: [SCHEDULED], orderBy: { field: SCHEDULED_START, direction: DESC }) { totalCount nodes { id } } } } }',
    },
    {
      name: 'facilities → appointments by status',
      query: '{ facilities(first: 10) { nodes { id appointments(first: 5, orderBy: { field: STATUS, direction: DESC }) { nodes { id } } } } }',
    },
    { name: 'providers', query: `{ providers(first: 20) { totalCount nodes { id firstName lastName roles individualNpi } ${page} } }` },
    { name: 'providers after', query: `query($after: String) { providers(first: 20, after: $after) { nodes { id } } }` },
    { name: 'providers search', query: '{ providers(first: 20, search: "son") { totalCount nodes { id } } }' },
    { name: 'providers role', query: `{ providers(first: 20, role: "${ids.role}") { totalCount nodes { id } } }` },
    { name: 'providers hidden', query: '{ providers(first: 20, hidden: false) { totalCount nodes { id } } }' },
    {
      name: 'providers → appointments',
      query: '{ providers(first: 50) { nodes { id appointments(first: 5, dateFrom: "2026-11-01", orderBy: { field: STATUS }) { totalCount nodes { id } } } } }',
    },
    { name: 'provider', query: `{ provider(id: "${ids.provider}") { id username canFinalize canCosign hidden appointments(first: 10) { nodes { id } } } }` },

    // ─── products and inventory
    { name: 'products', query: `{ products(first: 20) { totalCount nodes { id name gtin additionalGtins ndc type metadata } ${page} } }` },
    { name: 'products after', query: `query($after: String) { products(first: 20, after: $after) { nodes { id } } }` },
    { name: 'products search name', query: '{ products(first: 20, search: "lidocaine") { totalCount nodes { id } } }' },
    { name: 'products search gtin digits', query: `{ products(first: 20, search: "${ids.productGtinPart}") { totalCount nodes { id } } }` },
    { name: 'products type', query: '{ products(first: 20, type: DRUG) { totalCount nodes { id } } }' },
    { name: 'products archived', query: '{ products(first: 20, archived: true) { totalCount nodes { id } } }' },
    { name: 'products active', query: '{ products(first: 20, archived: false, type: SUPPLY) { totalCount nodes { id } } }' },
    { name: 'product', query: `{ product(id: "${ids.product}") { id name stockLevels { quantity facility { id } product { id } } } }` },
    { name: 'products → stock levels', query: '{ products(first: 100) { nodes { id stockLevels { quantity facility { id } } } } }' },
    {
      name: 'inventory changes',
      query: `{ inventoryChanges(facilityId: "${ids.inventoryFacility}", first: 20) { totalCount nodes { id name type status closedAt itemCount facility { id } } ${page} } }`,
    },
    {
      name: 'inventory changes after',
      query: `query($after: String) { inventoryChanges(facilityId: "${ids.inventoryFacility}", first: 20, after: $after) { nodes { id } } }`,
    },
    {
      name: 'inventory changes status',
      query: `{ inventoryChanges(facilityId: "${ids.inventoryFacility}", first: 20, status: OPEN) { totalCount nodes { id } } }`,
    },
    {
      name: 'inventory changes type',
      query: `{ inventoryChanges(facilityId: "${ids.inventoryFacility}", first: 20, type: RECEIVING, status: CLOSED) { totalCount nodes { id } } }`,
    },
    {
      name: 'inventory changes → items',
      query: `{ inventoryChanges(facilityId: "${ids.inventoryFacility}", first: 50) { nodes { id itemCount items(first: 10) { totalCount nodes { id gtin lotNumber quantity parsedFields product { id } change { id } } } } } }`,
    },
    {
      name: 'inventory change',
      query: `query($after: String) { inventoryChange(id: "${ids.inventoryChange}") { id items(first: 1, after: $after) { nodes { id } ${page} } } }`,
    },
    {
      name: 'stock levels',
      query: `{ stockLevels(facilityId: "${ids.inventoryFacility}", first: 20) { totalCount nodes { id quantity product { id } facility { id } } ${page} } }`,
    },
    { name: 'stock levels after', query: `query($after: String) { stockLevels(facilityId: "${ids.inventoryFacility}", first: 20, after: $after) { nodes { id } } }` },
    {
      name: 'stock levels product',
      query: `{ stockLevels(facilityId: "${ids.inventoryFacility}", productId: "${ids.product}") { totalCount nodes { id } } }`,
    },

    // ─── node and nodes, every type
    {
      name: 'node by type',
      query: `{ ${Object.entries({
        patient: ids.patient,
        facility: ids.facility,
        provider: ids.provider,
        product: ids.product,
        appointment: ids.appointment,
        bill: ids.bill,
        claim: ids.claim,
        codingGroup: ids.codingGroup,
        diagnosis: ids.diagnosis,
        lineItem: ids.lineItem,
        modifier: ids.modifier,
        claimInsurance: ids.claimInsurance,
        inventoryChange: ids.inventoryChange,
        inventoryItem: ids.inventoryItem,
        stockLevel: ids.stockLevel,
      })
        .map(([alias, id]) => `${alias}: node(id: "${id}") { id }`)
        .join(' ')} }`,
    },
    {
      name: 'nodes mixed',
      query: `{ nodes(ids: ${JSON.stringify([ids.patient, ids.bill, ids.claim, ids.codingGroup, ids.lineItem, ids.diagnosis, ids.inventoryItem])}) { id
        ... on CodingGroup { bill { id } } ... on LineItem { modifiers { id } } ... on InventoryChangeItem { change { id } } } }`,
    },

    // ─── backward paging (last, before) and cursors on every list not paged above
    ...[
      ['appointments', ''],
      ['claims', ''],
      ['facilities', ''],
      ['inventoryChanges', `facilityId: "${ids.inventoryFacility}", `],
      ['products', ''],
      ['providers', ''],
      ['stockLevels', `facilityId: "${ids.inventoryFacility}", `],
    ].flatMap(([list, filter]) => [
      { name: `${list} last before`, query: `query($before: String) { ${list}(${filter}last: 5, before: $before) { nodes { id } } }` },
      { name: `${list} after`, query: `query($after: String) { ${list}(${filter}first: 5, after: $after) { nodes { id } } }` },
    ]),
    ...[
      ['patient', ids.patient, 'appointments', ''],
      ['patient', ids.patient, 'bills', ''],
      ['patient', ids.patient, 'claims', ''],
      ['facility', ids.facility, 'appointments', 'dateTo: "2026-12-31", '],
      ['provider', ids.provider, 'appointments', 'dateTo: "2026-12-31", statuses: [COMPLETED, NO_SHOW], '],
      ['inventoryChange', ids.inventoryChange, 'items', ''],
    ].flatMap(([parent, id, list, filter]) => [
      {
        name: `${parent} ${list} last before`,
        query: `query($before: String) { ${parent}(id: "${id}") { ${list}(${filter}last: 2, before: $before) { nodes { id } } } }`,
      },
      { name: `${parent} ${list} after`, query: `query($after: String) { ${parent}(id: "${id}") { ${list}(${filter}first: 2, after: $after) { nodes { id } } } }` },
    ]),
    // ─── every order of every root list, both ways, then after a cursor in update order; changed-since windows
    ...rootOrders.flatMap(([list, fields, filter]) => [
      ...fields.flatMap((field) =>
        ['ASC', 'DESC'].map((direction) => ({
          name: `${list} by ${field} ${direction}`,
          query: `{ ${list}(${listFilter(filter, ids)}first: 20, orderBy: { field: ${field}, direction: ${direction} }) { nodes { id } } }`,
        })),
      ),
      {
        name: `${list} updated after, by update`,
        query: `query($after: String) { ${list}(${listFilter(filter, ids)}first: 20, after: $after, updatedAfter: "2000-01-01T00:00:00Z", orderBy: { field: UPDATED_AT }) { nodes { id } } }`,
      },
      {
        name: `${list} updated window`,
        query: `{ ${list}(${listFilter(filter, ids)}first: 20, updatedAfter: "2026-01-01T00:00:00Z", updatedBefore: "2026-11-01T00:00:00Z") { totalCount nodes { id } } }`,
      },
    ]),
    ...[
      ['patient', ids.patient, 'appointments'],
      ['patient', ids.patient, 'bills'],
      ['patient', ids.patient, 'claims'],
      ['facility', ids.facility, 'appointments'],
      ['provider', ids.provider, 'appointments'],
    ].map(([parent, id, list]) => ({
      name: `${parent} ${list} changed since, by update`,
      query: `{ ${parent}(id: "${id}") { ${list}(first: 5, updatedAfter: "2026-01-01T00:00:00Z", updatedBefore: "2027-01-01T00:00:00Z", orderBy: { field: UPDATED_AT, direction: DESC }) { totalCount nodes { id } } } }`,
    })),
    // ─── the change feed and webhooks
    { name: 'changes', query: '{ changes(first: 50) { nodes { position changedAt type operation entityId } } }' },
    { name: 'changes of some types', query: '{ changes(first: 50, types: [PATIENT, APPOINTMENT]) { nodes { position entityId } } }' },
    { name: 'changes after', query: 'query($after: String) { changes(first: 50, after: $after) { nodes { position entityId } } }' },
    {
      name: 'changes backwards',
      query: '{ changes(last: 50, before: "eyJwIjoiMSJ9") { nodes { position entityId } } }',
      refused: 'the feed reads forward only: the API refuses last and before before any statement',
    },
    { name: 'changes with their entities', query: '{ changes(first: 50) { nodes { entity { id ... on Patient { lastName } ... on Appointment { status } } } } }' },
    { name: 'webhook subscriptions', query: '{ webhookSubscriptions { id status deliveries(first: 5, status: FAILED) { id status attempts { id statusCode } } } }' },
    { name: 'webhook subscription', query: `{ webhookSubscription(id: "${ids.webhookSubscription}") { id deliveries { id attempts { id } } } }` },
    {
      name: 'authorize with operation and variables',
      query: '{ authorize(document: "query P($n: Int) { patients(first: $n) { nodes { id } } }", operationName: "P", variables: { n: 5 }) { allowed cost } }',
    },
  ];
  return entries;
}
