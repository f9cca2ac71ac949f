/**
 * Peer (d), the limit: one SQL statement per request. Authentication, the scope check, the whole JSON
 * document (json_agg) and the PHI access record (a data-modifying CTE) are one round trip; Node only
 * passes the text on. Same paths as the REST baseline, same JSON as clinicgraph.
 * Simplification: a missing key, installation or scope all answer 401.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { hashSecret, secretPattern } from '../../src/auth/keys.js';
import { newId } from '../../src/ids.js';
import { allScopes, scopeAliases, type Scope } from '../../src/scopes.js';
import { countStatement, runPeer } from './child.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');
const pool = new pg.Pool({ connectionString: url, max: 10, statement_timeout: 5000, idleTimeoutMillis: 30_000 });
pool.on('error', () => {});

/** `scope` (a column or expression naming a scope) is held in `array`, its legacy aliases counting too. */
function held(array: string, scope: string): string {
  const aliases = scopeAliases.map((a) => `(${scope} = '${a.satisfies}' AND '${a.alias}' = ANY(${array}))`);
  return `(${[`${scope} = ANY(${array})`, ...aliases].join(' OR ')})`;
}
const effective = (scope: string) => `${held('k."scopes"', scope)} AND ${held('i."grantedScopes"', scope)} AND ${held('a."declaredScopes"', scope)}`;

/** $1 secret hash, $2 organization, $3 required scopes: the caller row, or none. */
const callerCte = `caller AS (
  SELECT k."id" AS "keyId", a."id" AS "appId", a."slug", a."name" AS "appName", i."id" AS "installationId",
         o."id" AS "organizationId", o."name" AS "organizationName",
         ARRAY(SELECT s.scope FROM unnest(ARRAY[${allScopes.map((s) => `'${s}'`).join(', ')}]) WITH ORDINALITY AS s(scope, n)
               WHERE ${effective('s.scope')} ORDER BY s.n) AS "scopes"
  FROM "ApiKey" k
  JOIN "App" a ON a."id" = k."appId"
  JOIN "InstallationRecord" i ON i."appId" = a."id" AND i."organizationId" = $2 AND i."uninstalledAt" IS NULL
  JOIN "Organization" o ON o."id" = i."organizationId"
  WHERE k."secretHash" = $1 AND (k."revokedAt" IS NULL OR k."revokedAt" > now()) AND (k."expiresAt" IS NULL OR k."expiresAt" > now())
    AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS r(scope) WHERE NOT (${effective('r.scope')}))
)`;

/** The PHI access record of the request; `$a` … `$a+3` are id, document hash, trace id and field paths. */
const auditCte = (a: number, patientIds: string) => `audit AS (
  INSERT INTO "PhiAccess" ("id", "organizationId", "appId", "apiKeyId", "installationId", "operationName", "documentHash", "traceId", "patientIds", "fieldPaths")
  SELECT $${a}, c."organizationId", c."appId", c."keyId", c."installationId", NULL, $${a + 1}, $${a + 2}, ${patientIds}, $${a + 3}::text[]
  FROM caller c
)`;
const timestamp = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const date = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
const authenticated = '(SELECT count(*) FROM caller)::int AS callers';

const statements = {
  me: `WITH ${callerCte}
    SELECT ${authenticated}, (SELECT json_build_object('data', json_build_object('me', json_build_object(
      'app', json_build_object('id', c."appId", 'slug', c."slug", 'name', c."appName"),
      'organization', json_build_object('id', c."organizationId", 'name', c."organizationName"),
      'scopes', to_json(c."scopes")))) FROM caller c)::text AS body`,

  patient: `WITH ${callerCte},
    found AS (SELECT p."id", p."firstName", p."lastName", p."dateOfBirth", p."email" FROM "Patient" p
              WHERE p."organizationId" = $2 AND p."id" = $4 AND EXISTS (SELECT 1 FROM caller)),
    ${auditCte(5, 'ARRAY(SELECT "id" FROM found)').replace('FROM caller c', 'FROM caller c WHERE EXISTS (SELECT 1 FROM found)')}
    SELECT ${authenticated}, json_build_object('data', json_build_object('patient', (
      SELECT json_build_object('id', f."id", 'firstName', f."firstName", 'lastName', f."lastName", 'dateOfBirth', ${date('f."dateOfBirth"')}, 'email', f."email")
      FROM found f)))::text AS body`,

  patients: `WITH ${callerCte},
    page AS (SELECT p."id", p."firstName", p."lastName" FROM "Patient" p
             WHERE p."organizationId" = $2 AND EXISTS (SELECT 1 FROM caller)
             ORDER BY p."lastName", p."firstName", p."id" LIMIT $4),
    ${auditCte(6, 'ARRAY(SELECT "id" FROM page ORDER BY "id")')}
    SELECT ${authenticated}, json_build_object('data', json_build_object('patients', json_build_object('nodes', COALESCE((
      SELECT json_agg(json_build_object('id', p."id", 'firstName', p."firstName", 'lastName', p."lastName",
        'appointments', json_build_object('nodes', COALESCE((
          SELECT json_agg(json_build_object('id', a."id", 'scheduledStartDate', ${timestamp('a."scheduledStartDate"')}, 'status', upper(a."status"::text),
                   'provider', json_build_object('id', v."id", 'displayFirstName', v."displayFirstName", 'displayLastName', v."displayLastName"))
                 ORDER BY a."scheduledStartDate", a."id")
          FROM (SELECT * FROM "Appointment" a WHERE a."organizationId" = $2 AND a."patientId" = p."id"
                ORDER BY a."scheduledStartDate", a."id" LIMIT $5) a
          JOIN "Provider" v ON v."organizationId" = $2 AND v."id" = a."providerId"), '[]'::json)))
        ORDER BY p."lastName", p."firstName", p."id")
      FROM page p), '[]'::json))))::text AS body`,

  bills: `WITH ${callerCte},
    page AS (SELECT b."id", b."humanId", b."dateOfService", b."patientId" FROM "Bill" b
             WHERE b."organizationId" = $2 AND EXISTS (SELECT 1 FROM caller)
             ORDER BY b."dateOfService" DESC, b."id" DESC LIMIT $4),
    ${auditCte(5, 'ARRAY(SELECT DISTINCT "patientId" FROM page ORDER BY 1)')}
    SELECT ${authenticated}, json_build_object('data', json_build_object('bills', json_build_object('nodes', COALESCE((
      SELECT json_agg(json_build_object('id', b."id", 'billNumber', b."humanId", 'dateOfService', ${date('b."dateOfService"')},
        'patient', (SELECT json_build_object('id', p."id", 'firstName', p."firstName", 'lastName', p."lastName")
                    FROM "Patient" p WHERE p."organizationId" = $2 AND p."id" = b."patientId"),
        'codingGroups', COALESCE((
          SELECT json_agg(json_build_object('id', g."id", 'status', upper(g."status"::text),
            'diagnoses', COALESCE((SELECT json_agg(json_build_object('code', d."code", 'description', d."description") ORDER BY d."position", d."id")
                                   FROM "Diagnosis" d WHERE d."organizationId" = $2 AND d."codingGroupId" = g."id"), '[]'::json),
            'lineItems', COALESCE((SELECT json_agg(json_build_object('code', l."code", 'description', l."description", 'units', l."units", 'charge', l."charge"::text)
                                                   ORDER BY l."position", l."id")
                                   FROM "LineItem" l WHERE l."organizationId" = $2 AND l."codingGroupId" = g."id"), '[]'::json))
            ORDER BY g."position", g."id")
          FROM "CodingGroup" g WHERE g."organizationId" = $2 AND g."billId" = b."id"), '[]'::json))
        ORDER BY b."dateOfService" DESC, b."id" DESC)
      FROM page b), '[]'::json))))::text AS body`,
};

const required: Record<keyof typeof statements, Scope[]> = {
  me: ['read:marketplace'],
  patient: ['read:patients'],
  patients: ['read:patients', 'read:appointments', 'read:providers'],
  bills: ['read:bills', 'read:patients'],
};

function pageSize(value: string | null, fallback: number): number | null {
  const size = value === null ? fallback : Number(value);
  return Number.isInteger(size) && size >= 0 && size <= 100 ? size : null;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  const organizationId = String(request.headers['x-organization-id'] ?? '').trim();
  if (!secret || !secretPattern.test(secret) || !organizationId) return send(response, 401, '{"error":"Invalid API key."}');
  const audit = [newId('PhiAccess'), createHash('sha256').update(`${request.method} ${request.url}`).digest('hex'), randomUUID(), [] as string[]];
  const patientPath = /^\/patients\/([a-z]{3}_[0-9a-z]{20})$/.exec(url.pathname);
  let name: keyof typeof statements;
  let values: unknown[];
  if (url.pathname === '/me') [name, values] = ['me', []];
  else if (patientPath) [name, values] = ['patient', [patientPath[1], ...audit]];
  else if (url.pathname === '/patients') [name, values] = ['patients', [pageSize(url.searchParams.get('first'), 20), pageSize(url.searchParams.get('appointments'), 20), ...audit]];
  else if (url.pathname === '/bills') [name, values] = ['bills', [pageSize(url.searchParams.get('first'), 20), ...audit]];
  else return send(response, 404, '{"error":"Not found."}');
  if (values.includes(null)) return send(response, 400, '{"error":"Page sizes are 0 to 100."}');
  countStatement();
  const { rows } = await pool.query<{ callers: number; body: string }>(statements[name], [hashSecret(secret), organizationId, required[name], ...values]);
  if (!rows[0]?.callers) return send(response, 401, '{"error":"Invalid API key, or the app lacks a scope."}');
  send(response, 200, rows[0].body);
}

runPeer(
  createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error(error);
      send(response, 500, '{"error":"Unexpected error."}');
    });
  }),
  () => pool.end(),
);
