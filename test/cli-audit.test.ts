import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { main } from '../src/cli/main.js';
import { openDatabase, parseDatabaseUrl, wrapPGlite, type Database } from '../src/db/database.js';
import { newPGlite } from '../src/db/pglite.js';
import { createApp as createMarketplaceApp, createKey, installApp } from '../src/marketplace/service.js';
import { scopeOfType } from '../src/scopes.js';
import { createApp } from '../src/yoga.js';
import { openTestDatabase } from './support/database.js';

/**
 * The clinic's questions, answered by the CLI from records an earlier server process wrote: the
 * database is written by one app instance, closed, and read by the CLI as a new process would.
 */
let databaseUrl: string;
let cleanup: () => Promise<void>;
let clinic: string;
let patientId: string;
let otherPatientId: string;
const slug = `audit-cli-${process.pid}`;

async function openSeededCopy(): Promise<{ db: Database; url: string; cleanup: () => Promise<void> }> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-audit-'));
    const db = wrapPGlite(newPGlite(dataDir, { loadDataDir: new Blob([await readFile(source.dumpPath)]) }), { kind: 'pglite', dataDir });
    return { db, url: `pglite:${dataDir}`, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const db = await openTestDatabase();
  if (db.target.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
  // Closing this Database drops the copy, so the "restart" reads it through a second client instead.
  const reader = db;
  return { db: { ...db, close: async () => {} }, url: db.target.url, cleanup: () => reader.close() };
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  try {
    const code = await main(['node', 'clinicgraph', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  const copy = await openSeededCopy();
  databaseUrl = copy.url;
  cleanup = copy.cleanup;
  const { db } = copy;
  clinic = (await db.prisma.organization.findFirstOrThrow({ orderBy: { name: 'asc' } })).id;
  const [patient, other] = await db.prisma.patient.findMany({
    where: { organizationId: clinic, appointments: { some: {} } },
    orderBy: { id: 'asc' },
    take: 2,
  });
  patientId = patient!.id;
  otherPatientId = other!.id;

  const granted = [scopeOfType.Patient, scopeOfType.Appointment, scopeOfType.Product, scopeOfType.Claim];
  await createMarketplaceApp(db.prisma, { slug, name: 'Recall reminders', scopes: granted });
  await installApp(db.prisma, { slug, organizationId: clinic, grant: granted });
  const reminderKey = (await createKey(db.prisma, { slug, scopes: granted })).secret;

  const app = createApp({ db });
  const gql = async (query: string, key: string) => {
    const response = await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-organization-id': clinic },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(200);
  };
  await gql(`query Chart { patient(id: "${patientId}") { firstName lastName dateOfBirth } }`, demoSecret);
  await gql(`query Reminders { appointments(first: 5, patientId: "${otherPatientId}") { nodes { scheduledStartDate status } } }`, reminderKey);
  await gql('query Catalog { products(first: 3) { nodes { name } } }', reminderKey);
  await app.close();
  await db.close();
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('the clinic asks the CLI, after the server that served the requests has stopped', () => {
  it("`audit --org` lists who read which patients' data and which fields, newest first", async () => {
    const { code, out } = await cli('audit', '--org', clinic, '--json');
    expect(code).toBe(0);
    const { records } = JSON.parse(out) as { records: { app: string; operationName: string; patientIds: string[]; fieldPaths: string[] }[] };
    expect(records.map((r) => [r.app, r.operationName])).toEqual([
      [slug, 'Reminders'],
      ['clinicgraph-demo', 'Chart'],
    ]);
    expect(records[1]).toMatchObject({ patientIds: [patientId], fieldPaths: ['patient.dateOfBirth', 'patient.firstName', 'patient.lastName'] });
    expect(records[0]).toMatchObject({ patientIds: [otherPatientId] });
  });

  it('`--patient`, `--app` and `--since` narrow it down', async () => {
    const byPatient = JSON.parse((await cli('audit', '--org', clinic, '--patient', patientId, '--json')).out);
    expect(byPatient.records.map((r: { operationName: string }) => r.operationName)).toEqual(['Chart']);
    const byApp = JSON.parse((await cli('audit', '--org', clinic, '--app', slug, '--json')).out);
    expect(byApp.records.map((r: { operationName: string }) => r.operationName)).toEqual(['Reminders']);
    const future = JSON.parse((await cli('audit', '--org', clinic, '--since', '2999-01-01', '--json')).out);
    expect(future.records).toEqual([]);
    const recent = JSON.parse((await cli('audit', '--org', clinic, '--since', '1h', '--json')).out);
    expect(recent.records).toHaveLength(2);
  });

  it('prints a readable answer, and says what to fix when asked wrongly', async () => {
    const { code, out } = await cli('audit', '--org', clinic, '--patient', patientId);
    expect(code).toBe(0);
    expect(out).toContain('1 patient-data access record in');
    expect(out).toContain('app clinicgraph-demo');
    expect(out).toContain(`patients (1): ${patientId}`);
    expect(out).toContain('fields: patient.dateOfBirth, patient.firstName, patient.lastName');

    const badOrg = await cli('audit', '--org', 'org_00000000000000000000');
    expect(badOrg.code).toBe(1);
    expect(badOrg.err).toContain('No organization org_00000000000000000000');
    const noOrg = await cli('audit');
    expect(noOrg.code).toBe(1);
    expect(noOrg.err).toContain('audit needs --org <id>');
    const badSince = await cli('audit', '--org', clinic, '--since', 'last tuesday');
    expect(badSince.code).toBe(1);
    expect(badSince.err).toContain('--since takes a date');
  });

  it('`report scopes` shows, per installation, the granted scopes used in the window and those never used', async () => {
    const { code, out } = await cli('report', 'scopes', '--org', clinic, '--days', '7', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      installations: { app: { slug: string }; used: { scope: string; requests: number }[]; unused: { scope: string; lastUsed: string | null }[] }[];
    };
    const reminders = report.installations.find((i) => i.app.slug === slug)!;
    expect(reminders.used).toEqual([
      expect.objectContaining({ scope: scopeOfType.Appointment, requests: 1 }),
      expect.objectContaining({ scope: scopeOfType.Product, requests: 1 }),
    ]);
    expect(reminders.unused).toEqual([
      { scope: scopeOfType.Patient, lastUsed: null },
      { scope: scopeOfType.Claim, lastUsed: null },
    ]);
    const demo = report.installations.find((i) => i.app.slug === 'clinicgraph-demo')!;
    expect(demo.used.map((u) => u.scope)).toEqual([scopeOfType.Patient]);

    const text = await cli('report', 'scopes', '--org', clinic);
    expect(text.out).toContain(`${slug} (`);
    expect(text.out).toContain(`unused: ${scopeOfType.Patient} (never used), ${scopeOfType.Claim} (never used)`);
    expect(text.out).toContain(`installations update --app ${slug} --org ${clinic} --grant ${scopeOfType.Appointment},${scopeOfType.Product}`);
  });

  it('a new server over the same database keeps adding to the same trail', async () => {
    const db = await openDatabase(parseDatabaseUrl(databaseUrl));
    try {
      const app = createApp({ db });
      await app.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': clinic },
        body: JSON.stringify({ query: `query Again { patient(id: "${patientId}") { lastName } }` }),
      });
      await app.close();
      const trail = await db.prisma.phiAccess.findMany({ where: { organizationId: clinic, patientIds: { has: patientId } }, orderBy: { createdAt: 'asc' } });
      expect(trail.map((r) => r.operationName)).toEqual(['Chart', 'Again']);
    } finally {
      await db.close();
    }
  });

  it('`audit purge` deletes records past the retention (six years by default) in batches, and refuses less than six years unless told', async () => {
    const db = await openDatabase(parseDatabaseUrl(databaseUrl));
    const years = (n: number) => {
      const at = new Date();
      at.setUTCFullYear(at.getUTCFullYear() - n);
      return at;
    };
    const aged = [
      { id: `pha_purge7a${process.pid}`, createdAt: years(7) },
      { id: `pha_purge7b${process.pid}`, createdAt: new Date(years(6).getTime() - 86_400_000) },
      { id: `pha_purge5${process.pid}`, createdAt: years(5) },
    ];
    try {
      const template = await db.prisma.phiAccess.findFirstOrThrow({ where: { organizationId: clinic } });
      const { id: _id, createdAt: _at, searches, ...rest } = template;
      for (const row of aged) await db.prisma.phiAccess.create({ data: { ...rest, searches: searches ?? [], ...row } });
    } finally {
      await db.close();
    }
    const dry = JSON.parse((await cli('audit', 'purge', '--dry-run', '--json')).out);
    expect(dry).toMatchObject({ retention: '6 years', dryRun: true, deleted: 2 });

    const short = await cli('audit', 'purge', '--retention', '3y');
    expect(short.code).toBe(1);
    expect(short.err).toContain('shorter than the six years HIPAA expects');
    const bad = await cli('audit', 'purge', '--retention', 'forever');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('A retention looks like 6y');

    const purged = await cli('audit', 'purge', '--batch', '1');
    expect(purged.code).toBe(0);
    expect(purged.out).toMatch(/^Deleted 2 access records older than .* \(retention 6 years\) in 3 batches\.$/);
    const left = JSON.parse((await cli('audit', '--org', clinic, '--json')).out) as { records: { id: string }[] };
    expect(left.records.map((r) => r.id)).toContain(aged[2]!.id);
    expect(left.records.map((r) => r.id)).not.toContain(aged[0]!.id);

    const belowMinimum = JSON.parse((await cli('audit', 'purge', '--retention', '4y', '--below-hipaa-minimum', '--json')).out);
    expect(belowMinimum).toMatchObject({ retention: '4 years', deleted: 1 });
  });
});
