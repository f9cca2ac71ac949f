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
  /** Nesting of lists (a single object by id counts as one level): the statements a data layer needs at least. */
  listDepth: number;
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
      listDepth: 0,
    },
    {
      id: 'Q1',
      title: '`patient(id)`, 5 fields',
      graphql: 'query Q1($id: ID!) { patient(id: $id) { id firstName lastName dateOfBirth email } }',
      variables: (n) => ({ id: patientId(n) }),
      path: (n) => `/patients/${patientId(n)}`,
      listDepth: 1,
    },
    {
      id: 'Q2',
      title: `\`patients(first:${patientPageSize})\` → \`appointments(first:${appointmentsPerPatient})\` → \`provider\``,
      graphql: `query Q2 { patients(first: ${patientPageSize}) { nodes { id firstName lastName
        appointments(first: ${appointmentsPerPatient}) { nodes { id scheduledStartDate status provider { id displayFirstName displayLastName } } } } } }`,
      variables: () => undefined,
      path: () => `/patients?first=${patientPageSize}&appointments=${appointmentsPerPatient}`,
      listDepth: 2,
    },
    {
      id: 'Q3',
      title: `\`bills(first:${billPageSize})\` → patient, coding groups → line items, diagnoses`,
      graphql: `query Q3 { bills(first: ${billPageSize}) { nodes { id billNumber dateOfService patient { id firstName lastName }
        codingGroups { id status diagnoses { code description } lineItems { code description units charge } } } } }`,
      variables: () => undefined,
      path: () => `/bills?first=${billPageSize}`,
      listDepth: 3,
    },
  ];
}
