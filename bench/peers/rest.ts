/**
 * Peer (c): the hand-written REST baseline, node:http + pg, one endpoint per screen, written the way a
 * careful hand-written server would: each endpoint runs the fewest plain SQL statements that serve it
 * (a page, then one statement per level for all parents, references joined in), and like clinicgraph it
 * authenticates every request against the database (revocation applies at once), checks scopes,
 * and writes the PHI access record before answering. Answers are the same JSON documents as clinicgraph's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { hashSecret, secretPattern } from '../../src/auth/keys.js';
import { newId } from '../../src/ids.js';
import { effectiveScopes, type Scope } from '../../src/scopes.js';
import { countStatement, runPeer } from './child.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');

// Timestamps are stored as UTC without a zone; dates and amounts stay the strings PostgreSQL sends.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 1114) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};
const pool = new pg.Pool({ connectionString: url, max: 10, statement_timeout: 5000, idleTimeoutMillis: 30_000, types });
pool.on('error', () => {});

async function sql<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
  countStatement();
  return (await pool.query<Row>(text, values)).rows;
}

interface Caller {
  keyId: string;
  appId: string;
  slug: string;
  appName: string;
  installationId: string;
  organizationId: string;
  organizationName: string;
  scopes: Set<Scope>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function authenticate(request: IncomingMessage): Promise<Caller> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!secret || !secretPattern.test(secret)) throw new HttpError(401, 'Invalid API key.');
  const organizationId = String(request.headers['x-organization-id'] ?? '').trim();
  if (!organizationId) throw new HttpError(400, 'Missing X-Organization-Id header.');
  const [key] = await sql<{
    keyId: string;
    keyScopes: string[];
    expiresAt: Date | null;
    revokedAt: Date | null;
    appId: string;
    slug: string;
    appName: string;
    declaredScopes: string[];
    installationId: string | null;
    grantedScopes: string[] | null;
    organizationId: string | null;
    organizationName: string | null;
  }>(
    `SELECT k."id" AS "keyId", k."scopes" AS "keyScopes", k."expiresAt", k."revokedAt",
            a."id" AS "appId", a."slug", a."name" AS "appName", a."declaredScopes",
            i."id" AS "installationId", i."grantedScopes", o."id" AS "organizationId", o."name" AS "organizationName"
     FROM "ApiKey" k
     JOIN "App" a ON a."id" = k."appId"
     LEFT JOIN "InstallationRecord" i ON i."appId" = a."id" AND i."organizationId" = $2 AND i."uninstalledAt" IS NULL
     LEFT JOIN "Organization" o ON o."id" = i."organizationId"
     WHERE k."secretHash" = $1`,
    [hashSecret(secret), organizationId],
  );
  const now = new Date();
  if (!key || (key.revokedAt && key.revokedAt <= now) || (key.expiresAt && key.expiresAt <= now)) throw new HttpError(401, 'Invalid API key.');
  if (!key.installationId || !key.organizationId || !key.grantedScopes) throw new HttpError(403, 'App not installed in this organization.');
  return {
    keyId: key.keyId,
    appId: key.appId,
    slug: key.slug,
    appName: key.appName,
    installationId: key.installationId,
    organizationId: key.organizationId,
    organizationName: key.organizationName ?? '',
    scopes: new Set(effectiveScopes(key.keyScopes, key.grantedScopes, key.declaredScopes)),
  };
}

function requireScopes(caller: Caller, ...scopes: Scope[]): void {
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length) throw new HttpError(403, `Insufficient scope. Required: ${missing.join(', ')}`);
}

async function recordPhiAccess(caller: Caller, request: IncomingMessage, patientIds: Iterable<string>, fieldPaths: string[]): Promise<void> {
  await sql(
    `INSERT INTO "PhiAccess" ("id", "organizationId", "appId", "apiKeyId", "installationId", "operationName", "documentHash", "traceId", "patientIds", "fieldPaths")
     VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)`,
    [
      newId('PhiAccess'),
      caller.organizationId,
      caller.appId,
      caller.keyId,
      caller.installationId,
      createHash('sha256').update(`${request.method} ${request.url}`).digest('hex'),
      randomUUID(),
      [...new Set(patientIds)].sort(),
      fieldPaths,
    ],
  );
}

function pageSize(value: string | null, fallback: number): number {
  const size = value === null ? fallback : Number(value);
  if (!Number.isInteger(size) || size < 0 || size > 100) throw new HttpError(400, 'Page sizes are 0 to 100.');
  return size;
}

async function me(caller: Caller) {
  requireScopes(caller, 'read:marketplace');
  return {
    me: {
      app: { id: caller.appId, slug: caller.slug, name: caller.appName },
      organization: { id: caller.organizationId, name: caller.organizationName },
      scopes: [...caller.scopes],
    },
  };
}

async function patient(caller: Caller, request: IncomingMessage, id: string) {
  requireScopes(caller, 'read:patients');
  const [row] = await sql(
    `SELECT "id", "firstName", "lastName", "dateOfBirth", "email" FROM "Patient" WHERE "organizationId" = $1 AND "id" = $2`,
    [caller.organizationId, id],
  );
  if (row) await recordPhiAccess(caller, request, [id], ['patient.dateOfBirth', 'patient.email', 'patient.firstName', 'patient.id', 'patient.lastName']);
  return { patient: row ?? null };
}

async function patientsWithAppointments(caller: Caller, request: IncomingMessage, query: URLSearchParams) {
  requireScopes(caller, 'read:patients', 'read:appointments', 'read:providers');
  const patients = await sql<{ id: string; firstName: string; lastName: string }>(
    `SELECT "id", "firstName", "lastName" FROM "Patient" WHERE "organizationId" = $1
     ORDER BY "lastName", "firstName", "id" LIMIT $2`,
    [caller.organizationId, pageSize(query.get('first'), 20)],
  );
  const appointments = await sql<{
    patientId: string;
    id: string;
    scheduledStartDate: Date;
    status: string;
    providerId: string;
    displayFirstName: string;
    displayLastName: string;
  }>(
    `SELECT parent.id AS "patientId", a."id", a."scheduledStartDate", a."status", p."id" AS "providerId", p."displayFirstName", p."displayLastName"
     FROM unnest($2::text[]) WITH ORDINALITY AS parent(id, n)
     CROSS JOIN LATERAL (
       SELECT a.* FROM "Appointment" a WHERE a."organizationId" = $1 AND a."patientId" = parent.id
       ORDER BY a."scheduledStartDate", a."id" LIMIT $3
     ) a
     JOIN "Provider" p ON p."organizationId" = $1 AND p."id" = a."providerId"
     ORDER BY parent.n, a."scheduledStartDate", a."id"`,
    [caller.organizationId, patients.map((p) => p.id), pageSize(query.get('appointments'), 20)],
  );
  const byPatient = new Map<string, unknown[]>(patients.map((p) => [p.id, []]));
  for (const a of appointments) {
    byPatient.get(a.patientId)!.push({
      id: a.id,
      scheduledStartDate: a.scheduledStartDate,
      status: a.status.toUpperCase(),
      provider: { id: a.providerId, displayFirstName: a.displayFirstName, displayLastName: a.displayLastName },
    });
  }
  await recordPhiAccess(caller, request, patients.map((p) => p.id), [
    'patients.nodes.appointments.nodes.id',
    'patients.nodes.appointments.nodes.provider',
    'patients.nodes.appointments.nodes.scheduledStartDate',
    'patients.nodes.appointments.nodes.status',
    'patients.nodes.firstName',
    'patients.nodes.id',
    'patients.nodes.lastName',
  ]);
  return {
    patients: {
      nodes: patients.map((p) => ({ id: p.id, firstName: p.firstName, lastName: p.lastName, appointments: { nodes: byPatient.get(p.id) } })),
    },
  };
}

function groupBy<Row>(rows: Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

async function billsWithCoding(caller: Caller, request: IncomingMessage, query: URLSearchParams) {
  requireScopes(caller, 'read:bills', 'read:patients');
  const bills = await sql<{ id: string; humanId: string; dateOfService: string; patientId: string; firstName: string; lastName: string }>(
    `SELECT b."id", b."humanId", b."dateOfService", p."id" AS "patientId", p."firstName", p."lastName"
     FROM "Bill" b JOIN "Patient" p ON p."organizationId" = b."organizationId" AND p."id" = b."patientId"
     WHERE b."organizationId" = $1 ORDER BY b."dateOfService" DESC, b."id" DESC LIMIT $2`,
    [caller.organizationId, pageSize(query.get('first'), 20)],
  );
  const groups = await sql<{ id: string; billId: string; status: string }>(
    `SELECT "id", "billId", "status" FROM "CodingGroup" WHERE "organizationId" = $1 AND "billId" = ANY($2) ORDER BY "position", "id"`,
    [caller.organizationId, bills.map((b) => b.id)],
  );
  const groupIds = groups.map((g) => g.id);
  const [diagnoses, lineItems] = await Promise.all([
    sql<{ codingGroupId: string; code: string; description: string }>(
      `SELECT "codingGroupId", "code", "description" FROM "Diagnosis" WHERE "organizationId" = $1 AND "codingGroupId" = ANY($2) ORDER BY "position", "id"`,
      [caller.organizationId, groupIds],
    ),
    sql<{ codingGroupId: string; code: string; description: string; units: number; charge: string }>(
      `SELECT "codingGroupId", "code", "description", "units", "charge" FROM "LineItem" WHERE "organizationId" = $1 AND "codingGroupId" = ANY($2) ORDER BY "position", "id"`,
      [caller.organizationId, groupIds],
    ),
  ]);
  const groupsByBill = groupBy(groups, (g) => g.billId);
  const diagnosesByGroup = groupBy(diagnoses, (d) => d.codingGroupId);
  const lineItemsByGroup = groupBy(lineItems, (l) => l.codingGroupId);
  await recordPhiAccess(caller, request, bills.map((b) => b.patientId), [
    'bills.nodes.billNumber',
    'bills.nodes.codingGroups.diagnoses.code',
    'bills.nodes.codingGroups.diagnoses.description',
    'bills.nodes.codingGroups.id',
    'bills.nodes.codingGroups.lineItems.charge',
    'bills.nodes.codingGroups.lineItems.code',
    'bills.nodes.codingGroups.lineItems.description',
    'bills.nodes.codingGroups.lineItems.units',
    'bills.nodes.codingGroups.status',
    'bills.nodes.dateOfService',
    'bills.nodes.id',
    'bills.nodes.patient',
  ]);
  return {
    bills: {
      nodes: bills.map((b) => ({
        id: b.id,
        billNumber: b.humanId,
        dateOfService: b.dateOfService,
        patient: { id: b.patientId, firstName: b.firstName, lastName: b.lastName },
        codingGroups: (groupsByBill.get(b.id) ?? []).map((g) => ({
          id: g.id,
          status: g.status.toUpperCase(),
          diagnoses: (diagnosesByGroup.get(g.id) ?? []).map((d) => ({ code: d.code, description: d.description })),
          lineItems: (lineItemsByGroup.get(g.id) ?? []).map((l) => ({ code: l.code, description: l.description, units: l.units, charge: l.charge })),
        })),
      })),
    },
  };
}

async function route(request: IncomingMessage): Promise<unknown> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'GET') throw new HttpError(405, 'GET only.');
  const caller = await authenticate(request);
  if (url.pathname === '/me') return me(caller);
  if (url.pathname === '/patients') return patientsWithAppointments(caller, request, url.searchParams);
  if (url.pathname === '/bills') return billsWithCoding(caller, request, url.searchParams);
  const patientPath = /^\/patients\/([a-z]{3}_[0-9a-z]{20})$/.exec(url.pathname);
  if (patientPath) return patient(caller, request, patientPath[1]!);
  throw new HttpError(404, 'Not found.');
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  route(request).then(
    (data) => {
      const body = JSON.stringify({ data });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    },
    (error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const body = JSON.stringify({ error: error instanceof HttpError ? error.message : 'Unexpected error.' });
      if (status === 500) console.error(error);
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    },
  );
}

runPeer(createServer(handle), () => pool.end());
