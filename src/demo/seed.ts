/**
 * First-start seeding: two demo clinics and, outside production, the marketplace demo (an app installed
 * in both clinics and one test API key whose secret is fixed so the README can print it).
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { rawQueryOf } from '../db/database.js';
import { demoSecret, hashSecret, visiblePrefix } from '../auth/keys.js';
import { readAccountsConfig } from '../accounts/config.js';
import { hashPassword } from '../accounts/passwords.js';
import { hashToken } from '../accounts/tokens.js';
import { allScopes } from '../scopes.js';
import type { seededIds } from './generate.js';

export const demoAppSlug = 'clinicgraph-demo';

/** An app registered for the OAuth install flow and installed nowhere: the README's walkthrough installs it. */
export const demoOAuthApp = {
  slug: 'demo-recall-reminders',
  name: 'Recall Reminders (demo)',
  scopes: ['read:patients', 'read:appointments', 'read:facilities', 'read:marketplace'],
  optionalScopes: ['read:facilities'],
  redirectUris: ['http://localhost:8976/callback', 'http://127.0.0.1:8976/callback'],
  clientSecret: 'cgs_DEMOonlyDEMOonlyDEMOonlyDEMOonlyDEMOonlyDEM',
} as const;

/** Each demo clinic's admin: deterministic, public credentials, never created when NODE_ENV=production. */
export function demoAdminOf(organization: { name: string }): { email: string; password: string; name: string } {
  const slug = organization.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return { email: `admin@${slug}.example`, password: `demo-only-${slug}`, name: `${organization.name} admin` };
}

export interface SeedDemoOptions {
  production: boolean;
  logger?: (line: string) => void;
}

export interface SeedDemoResult {
  created: boolean;
  organizations: { id: string; name: string }[];
  demoSecret?: string;
  /** Demo clinic admins that still exist, with their public demo passwords. */
  demoAdmins?: { organizationId: string; email: string; password: string }[];
  demoOAuthAppId?: string;
}

/** Seeds an empty database; a database that has any organization is left alone. */
export async function seedDemo(prisma: PrismaClient, { production, logger }: SeedDemoOptions): Promise<SeedDemoResult> {
  const [any] = await rawQueryOf(prisma)<{ exists: boolean }>(Prisma.sql`SELECT EXISTS (SELECT 1 FROM "Organization") AS "exists"`);
  if (any?.exists) return existingDemo(prisma);
  // The generator (and faker's locale data) only when there is something to generate: not on every start.
  const { defaultNow, defaultSeed, demoClinics, generateClinics, seededIds } = await import('./generate.js');

  const started = performance.now();
  const clinics = await generateClinics(prisma, { seed: defaultSeed, now: defaultNow, clinics: [...demoClinics] });
  const organizations = clinics.map(({ id, name }) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  for (const clinic of clinics) {
    const rows = Object.values(clinic.rowCounts).reduce((sum, count) => sum + count, 0);
    logger?.(`Seeded demo clinic "${clinic.name}" (${clinic.id}): ${rows.toLocaleString('en-US')} rows.`);
  }
  if (production) {
    logger?.(`Production: no demo app, installation or API key created (${Math.round(performance.now() - started)} ms).`);
    return { created: true, organizations };
  }

  // Seeded ids and dates derived from the demo reference date: every fresh demo database is identical.
  const newDemoId = seededIds(defaultSeed + 1);
  const appCreatedAt = new Date(defaultNow.getTime() - 30 * 86_400_000);
  const installedAt = new Date(defaultNow.getTime() - 14 * 86_400_000);
  const scopes = [...allScopes];
  await prisma.$transaction(async (tx) => {
    const app = await tx.app.create({
      data: {
        id: newDemoId('App'),
        slug: demoAppSlug,
        name: 'clinicgraph demo app',
        declaredScopes: scopes,
        createdAt: appCreatedAt,
        updatedAt: appCreatedAt,
      },
    });
    const version = await tx.appVersion.create({
      data: { id: newDemoId('AppVersion'), appId: app.id, number: 1, scopes, createdAt: appCreatedAt },
    });
    await tx.app.update({ where: { id: app.id }, data: { liveVersionId: version.id, updatedAt: appCreatedAt } });
    for (const organization of organizations) {
      const installation = await tx.installationRecord.create({
        data: {
          id: newDemoId('Installation'),
          appId: app.id,
          organizationId: organization.id,
          grantedScopes: scopes,
          installedAt,
          updatedAt: installedAt,
        },
      });
      await tx.installationEvent.create({
        data: {
          id: newDemoId('InstallationEvent'),
          installationId: installation.id,
          kind: 'installed',
          grantedScopes: scopes,
          createdAt: installedAt,
        },
      });
    }
    await tx.apiKey.create({
      data: {
        id: newDemoId('ApiKey'),
        appId: app.id,
        name: 'demo key',
        prefix: visiblePrefix(demoSecret),
        secretHash: hashSecret(demoSecret),
        scopes,
        test: true,
        createdAt: installedAt,
      },
    });
  });
  await seedDemoAccess(prisma, { organizations, newDemoId, createdAt: appCreatedAt });
  logger?.(
    `Demo app "${demoAppSlug}" installed in ${organizations.length} clinics with a test key; "${demoOAuthApp.slug}" registered for the install flow; one admin per clinic (${Math.round(performance.now() - started)} ms).`,
  );
  return { created: true, organizations, demoSecret, ...(await demoAccessOf(prisma, organizations)) };
}

/** The install flow's demo: an OAuth client app and an admin with a password for each clinic. */
async function seedDemoAccess(
  prisma: PrismaClient,
  options: { organizations: { id: string; name: string }[]; newDemoId: ReturnType<typeof seededIds>; createdAt: Date },
): Promise<void> {
  const { organizations, newDemoId, createdAt } = options;
  const argon2 = readAccountsConfig().argon2;
  const admins = await Promise.all(
    organizations.map(async (organization) => ({ organization, ...demoAdminOf(organization), hash: await hashPassword(demoAdminOf(organization).password, argon2) })),
  );
  await prisma.$transaction(async (tx) => {
    const appId = newDemoId('App');
    const versionId = newDemoId('AppVersion');
    await tx.app.create({
      data: {
        id: appId,
        slug: demoOAuthApp.slug,
        name: demoOAuthApp.name,
        declaredScopes: [...demoOAuthApp.scopes],
        optionalScopes: [...demoOAuthApp.optionalScopes],
        redirectUris: [...demoOAuthApp.redirectUris],
        clientSecretHash: hashToken(demoOAuthApp.clientSecret),
        createdAt,
        updatedAt: createdAt,
      },
    });
    await tx.appVersion.create({ data: { id: versionId, appId, number: 1, scopes: [...demoOAuthApp.scopes], createdAt } });
    await tx.app.update({ where: { id: appId }, data: { liveVersionId: versionId, updatedAt: createdAt } });
    for (const admin of admins) {
      await tx.clinicAdmin.create({
        data: {
          id: newDemoId('ClinicAdmin'),
          organizationId: admin.organization.id,
          email: admin.email,
          name: admin.name,
          passwordHash: admin.hash,
          passwordSetAt: createdAt,
          createdAt,
        },
      });
    }
  });
}

/**
 * What every start of a seeded database reads, through the driver: a start that ran Prisma's query
 * compiler for these few rows would keep it in memory for the life of the process.
 */
async function existingDemo(prisma: PrismaClient): Promise<SeedDemoResult> {
  const query = rawQueryOf(prisma);
  const [organizations, [key]] = await Promise.all([
    query<{ id: string; name: string }>(Prisma.sql`
      SELECT o."id", o."name" FROM "InstallationRecord" i
      JOIN "App" a ON a."id" = i."appId" JOIN "Organization" o ON o."id" = i."organizationId"
      WHERE a."slug" = ${demoAppSlug} AND i."uninstalledAt" IS NULL ORDER BY o."name"`),
    query<{ revokedAt: Date | null }>(Prisma.sql`SELECT "revokedAt" FROM "ApiKey" WHERE "secretHash" = ${hashSecret(demoSecret)}`),
  ]);
  return {
    created: false,
    organizations,
    ...(key && !key.revokedAt ? { demoSecret } : {}),
    ...(await demoAccessOf(prisma, organizations)),
  };
}

async function demoAccessOf(prisma: PrismaClient, organizations: { id: string; name: string }[]) {
  const expected = organizations.map((organization) => ({ organizationId: organization.id, ...demoAdminOf(organization) }));
  const query = rawQueryOf(prisma);
  const [admins, [app]] = await Promise.all([
    query<{ email: string }>(
      Prisma.sql`SELECT "email" FROM "ClinicAdmin" WHERE "email" = ANY(${expected.map((a) => a.email)}) AND "disabledAt" IS NULL`,
    ),
    query<{ id: string; clientSecretHash: string | null }>(Prisma.sql`SELECT "id", "clientSecretHash" FROM "App" WHERE "slug" = ${demoOAuthApp.slug}`),
  ]);
  const present = new Set(admins.map((a) => a.email));
  return {
    demoAdmins: expected.filter((a) => present.has(a.email)).map(({ organizationId, email, password }) => ({ organizationId, email, password })),
    ...(app && app.clientSecretHash === hashToken(demoOAuthApp.clientSecret) ? { demoOAuthAppId: app.id } : {}),
  };
}
