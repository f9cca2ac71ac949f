/**
 * The four benchmark queries, as each peer is asked for them: a GraphQL document for clinicgraph,
 * a path for the REST baseline and the one-statement limit (both serve the same paths).
 */
export type QueryId = 'Q0' | 'Q1' | 'Q2' | 'Q3';

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
}

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
    },
  ];
}
