import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { rawQueryOf } from '../db/database.js';
import { clientError } from '../errors.js';
import { canonicalScopes, effectiveScopes, type Scope } from '../scopes.js';
import { hashSecret, secretPattern } from './keys.js';

export interface Caller {
  app: { id: string; slug: string; name: string; liveVersionId: string | null; declaredScopes: Scope[] };
  organization: { id: string; name: string };
  installation: { id: string; installedAt: Date; grantedScopes: Scope[] };
  key: { id: string; prefix: string; scopes: Scope[]; test: boolean; createdAt: Date; expiresAt: Date | null; organizationId: string | null };
  scopes: ReadonlySet<Scope>;
}

interface KeyLookup {
  keyId: string;
  prefix: string;
  keyScopes: string[];
  test: boolean;
  keyCreatedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  keyOrganizationId: string | null;
  appId: string;
  slug: string;
  appName: string;
  liveVersionId: string | null;
  declaredScopes: string[];
  installationId: string | null;
  installedAt: Date | null;
  grantedScopes: string[] | null;
  organizationId: string | null;
  organizationName: string | null;
}

const bearer = /^Bearer\s+(\S+)\s*$/i;

function unauthenticated(message: string) {
  return clientError('UNAUTHENTICATED', message, {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="clinicgraph"' },
  });
}

/**
 * Resolves the calling app from its key and the clinic it names. One statement per request and no cache,
 * so a revoked key, an uninstall or a narrowed grant applies to the very next request.
 */
export async function authenticate(
  prisma: PrismaClient,
  headers: Headers,
  now = new Date(),
): Promise<Caller> {
  const authorization = headers.get('authorization');
  if (!authorization) {
    throw unauthenticated('Missing API key. Send the header "Authorization: Bearer <api key>".');
  }
  const secret = bearer.exec(authorization)?.[1];
  if (!secret) throw unauthenticated('Malformed Authorization header. Use "Authorization: Bearer <api key>".');
  if (!secretPattern.test(secret)) throw unauthenticated('Invalid API key.');

  const organizationId = headers.get('x-organization-id')?.trim();
  if (!organizationId) {
    throw clientError(
      'BAD_USER_INPUT',
      'Missing X-Organization-Id header. Send the id of the clinic (org_…) whose data you are reading.',
      { status: 400 },
    );
  }

  // One statement: key, app and this clinic's active installation together, always on the primary.
  const lookup = Prisma.sql`
    SELECT k."id" AS "keyId", k."prefix", k."scopes" AS "keyScopes", k."test", k."createdAt" AS "keyCreatedAt",
           k."expiresAt", k."revokedAt", k."organizationId" AS "keyOrganizationId",
           a."id" AS "appId", a."slug", a."name" AS "appName", a."liveVersionId", a."declaredScopes",
           i."id" AS "installationId", i."installedAt", i."grantedScopes",
           o."id" AS "organizationId", o."name" AS "organizationName"
    FROM "ApiKey" k
    JOIN "App" a ON a."id" = k."appId"
    LEFT JOIN "InstallationRecord" i ON i."appId" = a."id" AND i."organizationId" = ${organizationId} AND i."uninstalledAt" IS NULL
      AND (k."organizationId" IS NULL OR k."organizationId" = i."organizationId")
    LEFT JOIN "Organization" o ON o."id" = i."organizationId"
    WHERE k."secretHash" = ${hashSecret(secret)}`;
  const [key] = await rawQueryOf(prisma)<KeyLookup>(lookup);
  if (!key) throw unauthenticated('Invalid API key.');
  if (key.revokedAt && key.revokedAt <= now) throw unauthenticated('This API key has been revoked. Create a new key.');
  if (key.expiresAt && key.expiresAt <= now) throw unauthenticated('This API key has expired. Create a new key.');

  if (key.keyOrganizationId && key.keyOrganizationId !== organizationId) {
    // A key from a clinic's consent works in that clinic only, even where the app is installed too.
    throw clientError('FORBIDDEN', `This API key was issued by organization ${key.keyOrganizationId} and works only there.`, {
      status: 403,
    });
  }
  if (!key.installationId || !key.organizationId || !key.installedAt || !key.grantedScopes) {
    // Same answer whether the organization exists or not: an app learns nothing about clinics that did not install it.
    throw clientError('FORBIDDEN', `App "${key.slug}" is not installed in organization ${organizationId.slice(0, 64)}.`, {
      status: 403,
    });
  }

  const declaredScopes = canonicalScopes(key.declaredScopes);
  const grantedScopes = canonicalScopes(key.grantedScopes);
  const keyScopes = canonicalScopes(key.keyScopes);
  return {
    app: { id: key.appId, slug: key.slug, name: key.appName, liveVersionId: key.liveVersionId, declaredScopes },
    organization: { id: key.organizationId, name: key.organizationName ?? '' },
    installation: { id: key.installationId, installedAt: key.installedAt, grantedScopes },
    key: {
      id: key.keyId,
      prefix: key.prefix,
      scopes: keyScopes,
      test: key.test,
      createdAt: key.keyCreatedAt,
      expiresAt: key.expiresAt,
      organizationId: key.keyOrganizationId,
    },
    scopes: new Set(effectiveScopes(key.keyScopes, key.grantedScopes, key.declaredScopes)),
  };
}
