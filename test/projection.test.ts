import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';
import { createApp, type App } from '../src/yoga.js';

/**
 * The executor's data layer, one statement per level: what answers a query the one-statement path
 * leaves to it (test/one-statement.test.ts holds that path to the same answers).
 */
let server: TestServer;
let executor: App;
beforeAll(async () => {
  server = await startTestServer();
  executor = createApp({ db: server.db, execution: { oneStatement: false } });
});
afterAll(async () => {
  await executor.close();
  await server.close();
});

interface Sent {
  sql: string;
  params: unknown[];
}

async function sentBy(query: string): Promise<{ sent: Sent[]; data: Record<string, any> }> {
  const sent: Sent[] = [];
  const stop = server.db.onStatement((sql, params) => sent.push({ sql, params: JSON.parse(params) as unknown[] }));
  try {
    const response = await server.gql(query, undefined, { app: executor });
    expect(response.errors).toBeUndefined();
    return { sent, data: response.data! };
  } finally {
    stop();
  }
}

const clinicStatements = (sent: Sent[], table: string) => sent.filter((s) => s.sql.includes(`FROM "${table}" t`));

describe('each level reads what the document selects', () => {
  it('references read the selected columns, id lists go as one array parameter', async () => {
    const { sent, data } = await sentBy(
      '{ patients(first: 30) { nodes { id appointments(first: 3) { nodes { id provider { id lastName } } } } } }',
    );
    const [providers] = clinicStatements(sent, 'Provider');
    expect(providers!.sql).not.toContain('t.*');
    expect(providers!.sql).toContain('t."lastName"');
    expect(providers!.sql).not.toContain('t."displayFirstName"');
    expect(providers!.sql).toContain('= ANY(');
    expect(providers!.params.filter(Array.isArray)).toHaveLength(1);
    const [appointments] = clinicStatements(sent, 'Appointment');
    expect(appointments!.sql).not.toContain('__parent');
    expect(appointments!.params.filter(Array.isArray)).toHaveLength(1);
    const providerOf = data.patients.nodes.flatMap((p: any) => p.appointments.nodes.map((a: any) => a.provider));
    expect(providerOf.length).toBeGreaterThan(0);
    for (const provider of providerOf) expect(typeof provider.lastName).toBe('string');
  });

  it('the same statement text serves 10 and 100 parents', async () => {
    const texts = async (n: number) =>
      (await sentBy(`{ patients(first: ${n}) { nodes { id appointments(first: 2) { nodes { id provider { id } } } } } }`)).sent
        .filter((s) => s.sql.includes('t."organizationId"'))
        .map((s) => s.sql);
    expect(await texts(100)).toEqual(await texts(10));
  });

  it('reads the look-ahead row only when hasNextPage is selected', async () => {
    const limitOf = async (selection: string) => {
      const { sent } = await sentBy(`{ patients(first: 7) { ${selection} nodes { id } } }`);
      const [page] = clinicStatements(sent, 'Patient');
      return page!.params.at(-1);
    };
    expect(await limitOf('')).toBe(7);
    expect(await limitOf('pageInfo { endCursor }')).toBe(7);
    expect(await limitOf('pageInfo { hasNextPage }')).toBe(8);
    expect(await limitOf('...on PatientConnection { pageInfo { more: hasNextPage } }')).toBe(8);
  });

  it('a row read with a few columns is read again when a field needs more', async () => {
    const { data } = await sentBy(
      '{ appointments(first: 5) { nodes { provider { id lastName } again: provider { id firstName displayLastName roles createdAt } } } }',
    );
    for (const { provider, again } of data.appointments.nodes) {
      expect(again.id).toBe(provider.id);
      expect(typeof again.firstName).toBe('string');
      expect(typeof again.displayLastName).toBe('string');
      expect(Array.isArray(again.roles)).toBe(true);
      expect(again.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    const id = data.appointments.nodes[0].provider.id as string;
    const full = await sentBy(
      `{ appointments(first: 5) { nodes { provider { id } } } node(id: "${id}") { ... on Provider { firstName username hidden } } }`,
    );
    expect(typeof full.data.node.username).toBe('string');
    expect(typeof full.data.node.hidden).toBe('boolean');
  });
});
