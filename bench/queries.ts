/**
 * The four benchmark queries, as each peer is asked for them: a GraphQL document for clinicgraph (and
 * the Pothos + Prisma peer, which serves the same fields), a path for the REST baseline and the
 * one-statement limit (both serve the same paths), and PostGraphile's own document for the same rows.
 */
export type QueryId = 'Q0' | 'Q1' | 'Q2' | 'Q3';

/**
 * A query in PostGraphile's schema (peer e): its inflection names the fields (allPatients, rowId,
 * appointmentsByOrganizationIdAndPatientId …), aliases give them clinicgraph's names, and `data` maps
 * what aliases cannot (a connection where clinicgraph has a list, timestamps without a zone) so the
 * orchestrator compares rows, not envelopes. It has no authentication: the clinic is a condition.
 */
export interface PostGraphileQuery {
  graphql: string;
  variables(n: number, organizationId: string): Record<string, unknown>;
  data(answer: unknown): unknown;
}

export interface BenchQuery {
  id: QueryId;
  title: string;
  graphql: string;
  /** Variables of the n-th request (Q1 walks through a list of patient ids). */
  variables(n: number): Record<string, unknown> | undefined;
  /** Path of the n-th request on the REST and limit peers. */
  path(n: number): string;
  /**
   * Levels of the query that read rows: a list, an object by id, or a reference followed from a list
   * (patients → appointments → provider is 3, as test/statements.test.ts counts). One statement per
   * level is the least a data layer can send without joining levels.
   */
  levels: number;
  /** Statements besides the data: authentication, and the PHI access record when patient data is returned. */
  overhead: number;
  /** Absent where PostGraphile has no counterpart (`me`: it knows no caller). */
  postgraphile?: PostGraphileQuery;
}

type Row = Record<string, unknown>;
/**
 * PostGraphile answers a `timestamp` (no zone, stored as UTC) as `2025-01-02T09:30:00`, clinicgraph as an
 * instant; and an enum value as PostgreSQL spells it (`completed`), clinicgraph in upper case.
 */
const instant = (value: unknown) => (typeof value === 'string' ? new Date(`${value}Z`).toISOString() : value);
const nodesOf = (connection: unknown) => (connection as { nodes: Row[] }).nodes;

export const patientPageSize = 100;
export const appointmentsPerPatient = 5;
export const billPageSize = 50;

export function benchQueries(patientIds: readonly string[]): BenchQuery[] {
  const patientId = (n: number) => patientIds[n % patientIds.length]!;
  return [
    {
      id: 'Q0',
      title: '`me`',
      graphql: 'query Q0 { me { app { id slug name } organization { id name } scopes } }',
      variables: () => undefined,
      path: () => '/me',
      levels: 0,
      overhead: 1,
    },
    {
      id: 'Q1',
      title: '`patient(id)`, 5 fields',
      graphql: 'query Q1($id: ID!) { patient(id: $id) { id firstName lastName dateOfBirth email } }',
      variables: (n) => ({ id: patientId(n) }),
      path: (n) => `/patients/${patientId(n)}`,
      levels: 1,
      overhead: 2,
      postgraphile: {
        graphql: 'query Q1($id: String!) { patient: patientByRowId(rowId: $id) { id: rowId firstName lastName dateOfBirth email } }',
        variables: (n) => ({ id: patientId(n) }),
        data: (answer) => answer,
      },
    },
    {
      id: 'Q2',
      title: `\`patients(first:${patientPageSize})\` → \`appointments(first:${appointmentsPerPatient})\` → \`provider\``,
      graphql: `query Q2 { patients(first: ${patientPageSize}) { nodes { id firstName lastName
        appointments(first: ${appointmentsPerPatient}) { nodes { id scheduledStartDate status provider { id displayFirstName displayLastName } } } } } }`,
      variables: () => undefined,
      path: () => `/patients?first=${patientPageSize}&appointments=${appointmentsPerPatient}`,
      levels: 3,
      overhead: 2,
      postgraphile: {
        graphql: `query Q2($organizationId: String!) {
          patients: allPatients(condition: { organizationId: $organizationId }, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ROW_ID_ASC], first: ${patientPageSize}) {
            nodes { id: rowId firstName lastName
              appointments: appointmentsByOrganizationIdAndPatientId(orderBy: [SCHEDULED_START_DATE_ASC, ROW_ID_ASC], first: ${appointmentsPerPatient}) {
                nodes { id: rowId scheduledStartDate status
                  provider: providerByOrganizationIdAndProviderId { id: rowId displayFirstName displayLastName } } } } } }`,
        variables: (_n, organizationId) => ({ organizationId }),
        data: (answer) => ({
          patients: {
            nodes: nodesOf((answer as Row).patients).map((patient) => ({
              ...patient,
              appointments: {
                nodes: nodesOf(patient.appointments).map((a) => ({ ...a, scheduledStartDate: instant(a.scheduledStartDate), status: String(a.status).toUpperCase() })),
              },
            })),
          },
        }),
      },
    },
    {
      id: 'Q3',
      title: `\`bills(first:${billPageSize})\` → patient, coding groups → line items, diagnoses`,
      graphql: `query Q3 { bills(first: ${billPageSize}) { nodes { id billNumber dateOfService patient { id firstName lastName }
        codingGroups { id status diagnoses { code description } lineItems { code description units charge } } } } }`,
      variables: () => undefined,
      path: () => `/bills?first=${billPageSize}`,
      levels: 3,
      overhead: 2,
      postgraphile: {
        graphql: `query Q3($organizationId: String!) {
          bills: allBills(condition: { organizationId: $organizationId }, orderBy: [DATE_OF_SERVICE_DESC, ROW_ID_DESC], first: ${billPageSize}) {
            nodes { id: rowId billNumber: humanId dateOfService
              patient: patientByOrganizationIdAndPatientId { id: rowId firstName lastName }
              codingGroups: codingGroupsByOrganizationIdAndBillId(orderBy: [POSITION_ASC, ROW_ID_ASC]) { nodes { id: rowId status
                diagnoses: diagnosesByOrganizationIdAndCodingGroupId(orderBy: [POSITION_ASC, ROW_ID_ASC]) { nodes { code description } }
                lineItems: lineItemsByOrganizationIdAndCodingGroupId(orderBy: [POSITION_ASC, ROW_ID_ASC]) { nodes { code description units charge } } } } } } }`,
        variables: (_n, organizationId) => ({ organizationId }),
        data: (answer) => ({
          bills: {
            nodes: nodesOf((answer as Row).bills).map((bill) => ({
              ...bill,
              codingGroups: nodesOf(bill.codingGroups).map((group) => ({
                ...group,
                status: String(group.status).toUpperCase(),
                diagnoses: nodesOf(group.diagnoses),
                lineItems: nodesOf(group.lineItems),
              })),
            })),
          },
        }),
      },
    },
  ];
}
