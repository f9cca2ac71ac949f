import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { newId } from '../src/ids.js';
import { createApp as createMarketplaceApp, createKey, createOrganization, installApp, revokeKey } from '../src/marketplace/service.js';
import { scopeOfType } from '../src/scopes.js';
import { createApp, type App } from '../src/yoga.js';

/**
 * A second local database stands in for a replica: a copy of the primary in which one patient's name
 * differs, so an answer shows which server it came from.
 */
const server = process.env.REPLICA_TEST_SERVER_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const primaryName = `clinicgraph_primary_${suffix}`;
const replicaName = `clinicgraph_replica_${suffix}`;
const urlOf = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();

let admin: pg.Client;
let db: Database;
let app: App;
let secret: string;
let keyId: string;
let organizationId: string;
let patientId: string;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${primaryName}`);
  const setup = await openDatabase({ kind: 'postgres', url: urlOf(primaryName) }, { replicaUrls: [] });
  await setup.migrate();
  organizationId = (await createOrganization(setup.prisma, 'Replica Clinic')).id;
  await createMarketplaceApp(setup.prisma, { slug: 'replica-app', name: 'Replica', scopes: [scopeOfType.Patient] });
  await installApp(setup.prisma, { slug: 'replica-app', organizationId });
  const key = await createKey(setup.prisma, { slug: 'replica-app' });
  secret = key.secret;
  keyId = key.id;
  patientId = newId('Patient');
  await setup.prisma.patient.create({ data: { id: patientId, organizationId, firstName: 'Ada', lastName: 'Primary' } });
  await setup.close();
  await admin.query(`CREATE DATABASE ${replicaName} TEMPLATE ${primaryName}`);
  const replica = new pg.Client({ connectionString: urlOf(replicaName) });
  await replica.connect();
  await replica.query(`UPDATE "Patient" SET "lastName" = 'Replica' WHERE id = $1`, [patientId]);
  await replica.end();
  db = await openDatabase({ kind: 'postgres', url: urlOf(primaryName) }, { replicaUrls: [urlOf(replicaName)] });
  app = createApp({ db });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  for (const name of [primaryName, replicaName]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

async function ask(query: string) {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-organization-id': organizationId },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any } };
}

describe('read replicas', () => {
  it('serve clinic data reads', async () => {
    const { body } = await ask(`{ patient(id: "${patientId}") { lastName } patients(first: 5) { nodes { lastName } } }`);
    expect(body.data.patient.lastName).toBe('Replica');
    expect(body.data.patients.nodes).toEqual([{ lastName: 'Replica' }]);
  });

  it('never serve authentication: a key revoked on the primary is refused at once, whatever the replica says', async () => {
    await revokeKey(db.prisma, keyId);
    expect((await ask('{ patients(first: 1) { totalCount } }')).status).toBe(401);
  });
});
