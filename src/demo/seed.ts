/**
 * First-start seeding: two demo clinics and, outside production, the marketplace demo (an app installed
 * in both clinics and one test API key whose secret is fixed so the README can print it).
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { demoSecret, hashSecret, visiblePrefix } from '../auth/keys.js';
import { allScopes } from '../scopes.js';
import { defaultNow, defaultSeed, demoClinics, generateClinics, seededIds } from './generate.js';

export const demoAppSlug = 'clinicgraph-demo';

export interface SeedDemoOptions {
  production: boolean;
  logger?: (line: string) => void;
}

export interface SeedDemoResult {
  created: boolean;
  organizations: { id: string; name: string }[];
  demoSecret?: string;
}

/** Seeds an empty database; a database that has any organization is left alone. */
export async function seedDemo(prisma: PrismaClient, { production, logger }: SeedDemoOptions): Promise<SeedDemoResult> {
  if ((await prisma.organization.count()) > 0) return existingDemo(prisma);

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
  logger?.(`Demo app "${demoAppSlug}" installed in ${organizations.length} clinics with a test key (${Math.round(performance.now() - started)} ms).`);
  return { created: true, organizations, demoSecret };
}

async function existingDemo(prisma: PrismaClient): Promise<SeedDemoResult> {
  const installations = await prisma.installationRecord.findMany({
    where: { app: { slug: demoAppSlug }, uninstalledAt: null },
    select: { organization: { select: { id: true, name: true } } },
    orderBy: { organization: { name: 'asc' } },
  });
  const key = await prisma.apiKey.findUnique({ where: { secretHash: hashSecret(demoSecret) }, select: { revokedAt: true } });
  return {
    created: false,
    organizations: installations.map(({ organization }) => organization),
    ...(key && !key.revokedAt ? { demoSecret } : {}),
  };
}
