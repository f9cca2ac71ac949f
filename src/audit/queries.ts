import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { PatientSearch } from './access.js';
import { MarketplaceError, parseDuration } from '../marketplace/service.js';
import { canonicalScopes } from '../scopes.js';

const dayMs = 86_400_000;

async function organization(prisma: PrismaClient, id: string) {
  const found = await prisma.organization.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!found) throw new MarketplaceError(`No organization ${id}. See: orgs list.`, 'not_found');
  return found;
}

/** A date (2026-01-31), an instant (2026-01-31T14:00:00Z) or an age (7d, 12h) before `now`. */
export function parseSince(text: string, now = new Date()): Date {
  const trimmed = text.trim();
  if (/^\d+[smhdw]$/.test(trimmed)) return new Date(now.getTime() - parseDuration(trimmed));
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00.000Z` : trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new MarketplaceError(`--since takes a date (2026-01-31), an instant (2026-01-31T14:00:00Z) or an age (7d, 12h); got "${text}".`);
  }
  return date;
}

export interface AuditQuery {
  organizationId: string;
  /** App slug. */
  app?: string;
  patient?: string;
  since?: string;
  /** Only records before this date or instant (same forms as `since`). */
  before?: string;
  limit?: number;
}

export interface AuditRecord {
  id: string;
  at: Date;
  app: string;
  appId: string;
  key: string;
  apiKeyId: string;
  installationId: string;
  operationName: string | null;
  documentHash: string;
  traceId: string;
  patientIds: string[];
  fieldPaths: string[];
  /** Patient searches the answer carried, by presence (the list, the arguments given, the matches), never the text. */
  searches: PatientSearch[];
}

/** Which app read which patients' data in a clinic, and what it read: newest first. */
export async function listPhiAccess(prisma: PrismaClient, query: AuditQuery) {
  const clinic = await organization(prisma, query.organizationId);
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new MarketplaceError(`--limit must be between 1 and 10000; got ${limit}.`);
  let appId: string | undefined;
  if (query.app) {
    const app = await prisma.app.findUnique({ where: { slug: query.app }, select: { id: true } });
    if (!app) throw new MarketplaceError(`No app with slug "${query.app}". See: apps list.`, 'not_found');
    appId = app.id;
  }
  const since = query.since ? parseSince(query.since) : undefined;
  const before = query.before ? parseSince(query.before) : undefined;
  const rows = await prisma.phiAccess.findMany({
    where: {
      organizationId: clinic.id,
      ...(appId ? { appId } : {}),
      ...(query.patient ? { patientIds: { has: query.patient } } : {}),
      ...(since || before ? { createdAt: { ...(since ? { gte: since } : {}), ...(before ? { lt: before } : {}) } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  const [apps, keys] = await Promise.all([
    prisma.app.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.appId))] } }, select: { id: true, slug: true } }),
    prisma.apiKey.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.apiKeyId))] } }, select: { id: true, prefix: true } }),
  ]);
  const slugs = new Map(apps.map((a) => [a.id, a.slug]));
  const prefixes = new Map(keys.map((k) => [k.id, k.prefix]));
  const records: AuditRecord[] = rows.map((row) => ({
    id: row.id,
    at: row.createdAt,
    app: slugs.get(row.appId) ?? row.appId,
    appId: row.appId,
    key: prefixes.get(row.apiKeyId) ?? row.apiKeyId,
    apiKeyId: row.apiKeyId,
    installationId: row.installationId,
    operationName: row.operationName,
    documentHash: row.documentHash,
    traceId: row.traceId,
    patientIds: row.patientIds,
    fieldPaths: row.fieldPaths,
    searches: row.searches as unknown as PatientSearch[],
  }));
  return {
    organization: clinic,
    filters: { app: query.app ?? null, patient: query.patient ?? null, since: since ?? null, before: before ?? null, limit },
    records,
  };
}

/** PHI access records per UTC day and app over the last `days` days (today included), for the console's chart. */
export async function phiAccessPerDay(prisma: PrismaClient, query: { organizationId: string; days?: number; now?: Date }) {
  const days = query.days ?? 30;
  const today = new Date(`${(query.now ?? new Date()).toISOString().slice(0, 10)}T00:00:00.000Z`);
  const since = new Date(today.getTime() - (days - 1) * dayMs);
  const rows = await prisma.$queryRaw<{ appId: string; day: string; records: number }[]>(Prisma.sql`
    SELECT "appId", to_char("createdAt", 'YYYY-MM-DD') AS "day", count(*)::int AS "records"
    FROM "PhiAccess" WHERE "organizationId" = ${query.organizationId} AND "createdAt" >= ${since}
    GROUP BY 1, 2`);
  const dayList = Array.from({ length: days }, (_, i) => new Date(since.getTime() + i * dayMs).toISOString().slice(0, 10));
  const apps = await prisma.app.findMany({
    where: { id: { in: [...new Set(rows.map((row) => row.appId))] } },
    select: { id: true, slug: true, name: true },
    orderBy: { slug: 'asc' },
  });
  return {
    days: dayList,
    apps: apps.map((app) => ({
      ...app,
      records: dayList.map((day) => Number(rows.find((row) => row.appId === app.id && row.day === day)?.records ?? 0)),
    })),
  };
}

export interface ScopeReportQuery {
  organizationId: string;
  days?: number;
  now?: Date;
}

/**
 * Per active installation in a clinic: the granted scopes its requests used in the last `days` days
 * (today included) and those they did not, each with the last day it was ever used, so a clinic can
 * take back what an app does not use.
 */
export async function scopeUsageReport(prisma: PrismaClient, query: ScopeReportQuery) {
  const clinic = await organization(prisma, query.organizationId);
  const days = query.days ?? 30;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new MarketplaceError(`--days must be a whole number of days from 1 to 3660; got ${days}.`);
  const today = new Date(`${(query.now ?? new Date()).toISOString().slice(0, 10)}T00:00:00.000Z`);
  const since = new Date(today.getTime() - (days - 1) * dayMs);
  const installations = await prisma.installationRecord.findMany({
    where: { organizationId: clinic.id, uninstalledAt: null },
    include: { app: { select: { id: true, slug: true, name: true } } },
    orderBy: { installedAt: 'asc' },
  });
  const installationIds = installations.map((i) => i.id);
  const [inWindow, ever] = await Promise.all([
    prisma.scopeUsage.groupBy({
      by: ['installationId', 'scope'],
      where: { installationId: { in: installationIds }, day: { gte: since } },
      _sum: { requests: true },
    }),
    prisma.scopeUsage.groupBy({ by: ['installationId', 'scope'], where: { installationId: { in: installationIds } }, _max: { day: true } }),
  ]);
  const requests = new Map(inWindow.map((row) => [`${row.installationId} ${row.scope}`, row._sum.requests ?? 0]));
  const lastUsed = new Map(ever.map((row) => [`${row.installationId} ${row.scope}`, row._max.day]));
  const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : null);
  return {
    organization: clinic,
    days,
    since: day(since),
    installations: installations.map((installation) => {
      const scopes = canonicalScopes(installation.grantedScopes).map((scope) => ({
        scope,
        requests: requests.get(`${installation.id} ${scope}`) ?? 0,
        lastUsed: day(lastUsed.get(`${installation.id} ${scope}`)),
      }));
      return {
        installationId: installation.id,
        app: installation.app,
        installedAt: installation.installedAt,
        grantedScopes: scopes.map((s) => s.scope),
        used: scopes.filter((s) => s.requests > 0),
        unused: scopes.filter((s) => s.requests === 0).map(({ scope, lastUsed: last }) => ({ scope, lastUsed: last })),
      };
    }),
  };
}
