import type { PrismaClient } from '../generated/prisma/client.js';
import { generateSecret, hashSecret, visiblePrefix } from '../auth/keys.js';
import { hashToken, randomToken } from '../accounts/tokens.js';
import { newId } from '../ids.js';
import { assignableScopes, canonicalScopes, isAssignableScope } from '../scopes.js';

/** A refusal the caller can act on; the message says what to change. */
export class MarketplaceError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'not_found' | 'conflict' = 'invalid',
  ) {
    super(message);
    this.name = 'MarketplaceError';
  }
}

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$/;

/** Validates a scope list: unknown names are refused with the valid ones listed; duplicates collapse. */
export function parseScopeList(scopes: readonly string[], what = 'scopes'): string[] {
  const cleaned = [...new Set(scopes.map((s) => s.trim()).filter(Boolean))];
  const unknown = cleaned.filter((s) => !isAssignableScope(s));
  if (unknown.length > 0) {
    throw new MarketplaceError(
      `Unknown ${what}: ${unknown.join(', ')}. Valid scopes: ${assignableScopes.join(', ')}.`,
    );
  }
  return cleaned;
}

/** Scopes in `wanted` that `allowed` does not cover, aliases taken into account. */
function outside(wanted: readonly string[], allowed: readonly string[]): string[] {
  const covered = new Set([...allowed, ...canonicalScopes(allowed)]);
  return wanted.filter((scope) => !covered.has(scope) && !canonicalScopes([scope]).every((s) => covered.has(s)));
}

export async function createOrganization(prisma: PrismaClient, name: string) {
  const trimmed = name.trim();
  if (!trimmed) throw new MarketplaceError('An organization needs a name (--name).');
  return prisma.organization.create({ data: { id: newId('Organization'), name: trimmed } });
}

export function listOrganizations(prisma: PrismaClient) {
  return prisma.organization.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

async function appBySlug(prisma: PrismaClient, slug: string) {
  const app = await prisma.app.findUnique({ where: { slug } });
  if (!app) throw new MarketplaceError(`No app with slug "${slug}". See: apps list.`, 'not_found');
  return app;
}

export async function organizationById(prisma: PrismaClient, id: string) {
  const organization = await prisma.organization.findUnique({ where: { id } });
  if (!organization) throw new MarketplaceError(`No organization ${id}. See: orgs list.`, 'not_found');
  return organization;
}

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Redirect URIs are compared character for character at authorization, so each must be exactly what
 * the app will send: absolute, no fragment, https (or http on a loopback address, for native and
 * development apps, RFC 8252 §7.3).
 */
export function parseRedirectUris(uris: readonly string[]): string[] {
  const cleaned = [...new Set(uris.map((u) => u.trim()).filter(Boolean))];
  for (const uri of cleaned) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new MarketplaceError(`Redirect URI "${uri}" is not an absolute URL; write it in full, e.g. https://app.example.com/oauth/callback.`);
    }
    if (url.hash || uri.includes('#')) throw new MarketplaceError(`Redirect URI "${uri}" has a fragment (#…); redirect URIs cannot.`);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
      throw new MarketplaceError(`Redirect URI "${uri}" must use https (http only for 127.0.0.1, [::1] or localhost).`);
    }
    if (/[\s,;'"<>]/.test(uri) || uri.length > 500) {
      throw new MarketplaceError(`Redirect URI "${uri.slice(0, 80)}" has spaces, quotes, commas or semicolons, or is longer than 500 characters.`);
    }
  }
  return cleaned;
}

function parseOptionalScopes(optional: readonly string[] | undefined, declared: readonly string[]): string[] {
  const scopes = parseScopeList(optional ?? [], 'optional scopes');
  const undeclared = scopes.filter((scope) => !declared.includes(scope));
  if (undeclared.length > 0) {
    throw new MarketplaceError(`Optional scopes must be among the declared ones (${declared.join(', ')}); ${undeclared.join(', ')} is not.`);
  }
  return scopes;
}

/** OAuth client secrets: `cgs_` (for secret scanners) and 256 random bits; shown once, stored as a hash. */
function newClientSecret(): { secret: string; hash: string } {
  const secret = `cgs_${randomToken()}`;
  return { secret, hash: hashToken(secret) };
}

export const clientSecretPattern = /^cgs_[A-Za-z0-9_-]{43}$/;

export async function createApp(
  prisma: PrismaClient,
  input: { slug: string; name: string; scopes: readonly string[]; optionalScopes?: readonly string[]; redirectUris?: readonly string[] },
) {
  if (!slugPattern.test(input.slug)) {
    throw new MarketplaceError(
      `Slug "${input.slug}" is not valid: use 3-50 lowercase letters, digits and hyphens, starting and ending with a letter or digit.`,
    );
  }
  const declaredScopes = parseScopeList(input.scopes, 'scopes');
  if (declaredScopes.length === 0) throw new MarketplaceError(`An app declares at least one scope. Valid scopes: ${assignableScopes.join(', ')}.`);
  if (!input.name.trim()) throw new MarketplaceError('An app needs a name (--name).');
  if (await prisma.app.findUnique({ where: { slug: input.slug } })) {
    throw new MarketplaceError(`Slug "${input.slug}" is taken: app slugs are unique. Choose another.`, 'conflict');
  }
  const optionalScopes = parseOptionalScopes(input.optionalScopes, declaredScopes);
  const redirectUris = parseRedirectUris(input.redirectUris ?? []);
  const client = redirectUris.length > 0 ? newClientSecret() : null;
  const appId = newId('App');
  const versionId = newId('AppVersion');
  const app = await prisma.$transaction(async (tx) => {
    await tx.app.create({
      data: {
        id: appId,
        slug: input.slug,
        name: input.name.trim(),
        declaredScopes,
        optionalScopes,
        redirectUris,
        clientSecretHash: client?.hash ?? null,
      },
    });
    await tx.appVersion.create({ data: { id: versionId, appId, number: 1, scopes: declaredScopes } });
    return tx.app.update({ where: { id: appId }, data: { liveVersionId: versionId }, include: { versions: true }, omit: { clientSecretHash: true } });
  });
  return { ...app, ...(client ? { oauth: { clientId: app.id, clientSecret: client.secret } } : {}) };
}

/**
 * Registers the app as an OAuth client (redirect URIs, optional scopes) and, when asked or when it has
 * none yet, a new client secret: shown once in the result, stored as a hash; the old secret stops working.
 */
export async function updateAppOAuth(
  prisma: PrismaClient,
  input: { slug: string; redirectUris?: readonly string[]; optionalScopes?: readonly string[]; newSecret?: boolean },
) {
  const app = await appBySlug(prisma, input.slug);
  const redirectUris = input.redirectUris ? parseRedirectUris(input.redirectUris) : app.redirectUris;
  if (redirectUris.length === 0) {
    throw new MarketplaceError(`App "${app.slug}" needs at least one redirect URI (--redirect-uris) to use the install flow.`);
  }
  const optionalScopes = input.optionalScopes ? parseOptionalScopes(input.optionalScopes, app.declaredScopes) : app.optionalScopes;
  const client = input.newSecret || !app.clientSecretHash ? newClientSecret() : null;
  const updated = await prisma.app.update({
    where: { id: app.id },
    data: { redirectUris, optionalScopes, ...(client ? { clientSecretHash: client.hash } : {}) },
    omit: { clientSecretHash: true },
  });
  return { ...updated, oauth: { clientId: app.id, ...(client ? { clientSecret: client.secret } : {}) } };
}

export function listApps(prisma: PrismaClient) {
  return prisma.app.findMany({
    orderBy: { slug: 'asc' },
    include: {
      installations: { where: { uninstalledAt: null }, select: { organizationId: true, grantedScopes: true } },
      _count: { select: { keys: true } },
    },
    omit: { clientSecretHash: true },
  });
}

/**
 * A new declared set is a new live version. Grants and keys are not rewritten: effective scopes are
 * always intersected with the live declaration, so a dropped scope stops working at once and a new one
 * waits for each clinic's approval.
 */
export async function updateAppScopes(prisma: PrismaClient, slug: string, scopes: readonly string[]) {
  const app = await appBySlug(prisma, slug);
  const declaredScopes = parseScopeList(scopes, 'scopes');
  if (declaredScopes.length === 0) throw new MarketplaceError('An app declares at least one scope.');
  return prisma.$transaction(async (tx) => {
    const latest = await tx.appVersion.findFirst({ where: { appId: app.id }, orderBy: { number: 'desc' } });
    const versionId = newId('AppVersion');
    await tx.appVersion.create({
      data: { id: versionId, appId: app.id, number: (latest?.number ?? 0) + 1, scopes: declaredScopes },
    });
    const optionalScopes = app.optionalScopes.filter((scope) => declaredScopes.includes(scope));
    return tx.app.update({
      where: { id: app.id },
      data: { declaredScopes, optionalScopes, liveVersionId: versionId },
      include: { versions: true },
      omit: { clientSecretHash: true },
    });
  });
}

function checkGrant(app: { slug: string; declaredScopes: string[] }, grant: readonly string[]): void {
  const undeclared = outside(grant, app.declaredScopes);
  if (undeclared.length > 0) {
    throw new MarketplaceError(
      `App "${app.slug}" does not declare ${undeclared.join(', ')}; a clinic can grant only declared scopes (${app.declaredScopes.join(', ')}).`,
    );
  }
}

/** Who changed an installation: a clinic admin (console, consent page), or nobody named (the CLI). */
export interface Actor {
  adminId?: string;
}

export async function installApp(
  prisma: PrismaClient,
  input: { slug: string; organizationId: string; grant?: readonly string[] } & Actor,
) {
  const app = await appBySlug(prisma, input.slug);
  await organizationById(prisma, input.organizationId);
  const grantedScopes = input.grant ? parseScopeList(input.grant, 'grant') : app.declaredScopes;
  checkGrant(app, grantedScopes);
  const existing = await prisma.installationRecord.findUnique({
    where: { appId_organizationId: { appId: app.id, organizationId: input.organizationId } },
  });
  if (existing && !existing.uninstalledAt) {
    throw new MarketplaceError(
      `App "${app.slug}" is already installed in ${input.organizationId}. Change its grant with: installations update.`,
      'conflict',
    );
  }
  return prisma.$transaction(async (tx) => {
    const installation = existing
      ? await tx.installationRecord.update({
          where: { id: existing.id },
          data: { grantedScopes, uninstalledAt: null, installedAt: new Date() },
        })
      : await tx.installationRecord.create({
          data: { id: newId('Installation'), appId: app.id, organizationId: input.organizationId, grantedScopes },
        });
    await tx.installationEvent.create({
      data: {
        id: newId('InstallationEvent'),
        installationId: installation.id,
        kind: existing ? 'reinstalled' : 'installed',
        grantedScopes,
        adminId: input.adminId ?? null,
      },
    });
    return installation;
  });
}

async function activeInstallation(prisma: PrismaClient, slug: string, organizationId: string) {
  const app = await appBySlug(prisma, slug);
  const installation = await prisma.installationRecord.findUnique({
    where: { appId_organizationId: { appId: app.id, organizationId } },
  });
  if (!installation || installation.uninstalledAt) {
    throw new MarketplaceError(`App "${slug}" is not installed in ${organizationId}.`, 'not_found');
  }
  return { app, installation };
}

export async function updateGrant(
  prisma: PrismaClient,
  input: { slug: string; organizationId: string; grant: readonly string[] } & Actor,
) {
  const { app, installation } = await activeInstallation(prisma, input.slug, input.organizationId);
  const grantedScopes = parseScopeList(input.grant, 'grant');
  checkGrant(app, grantedScopes);
  return prisma.$transaction(async (tx) => {
    await tx.installationEvent.create({
      data: { id: newId('InstallationEvent'), installationId: installation.id, kind: 'grant_changed', grantedScopes, adminId: input.adminId ?? null },
    });
    return tx.installationRecord.update({ where: { id: installation.id }, data: { grantedScopes } });
  });
}

/** Ends access at once; keys the clinic's consent issued for this app are revoked too, so a reinstall starts afresh. */
export async function uninstallApp(prisma: PrismaClient, input: { slug: string; organizationId: string } & Actor) {
  const { app, installation } = await activeInstallation(prisma, input.slug, input.organizationId);
  return prisma.$transaction(async (tx) => {
    await tx.installationEvent.create({
      data: { id: newId('InstallationEvent'), installationId: installation.id, kind: 'uninstalled', grantedScopes: [], adminId: input.adminId ?? null },
    });
    await tx.apiKey.updateMany({
      where: { appId: app.id, organizationId: input.organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return tx.installationRecord.update({ where: { id: installation.id }, data: { uninstalledAt: new Date() } });
  });
}

/**
 * A consent page's decision: installs the app, or changes the grant of an installed one, through the
 * same rules and history as the CLI. The consent decides the scopes it asked about; scopes granted
 * earlier and not asked about this time stay granted.
 */
export async function approveInstallation(
  prisma: PrismaClient,
  input: { slug: string; organizationId: string; requested: readonly string[]; approved: readonly string[]; adminId: string },
) {
  const app = await appBySlug(prisma, input.slug);
  const existing = await prisma.installationRecord.findUnique({
    where: { appId_organizationId: { appId: app.id, organizationId: input.organizationId } },
  });
  if (!existing || existing.uninstalledAt) {
    return installApp(prisma, { slug: input.slug, organizationId: input.organizationId, grant: input.approved, adminId: input.adminId });
  }
  const kept = existing.grantedScopes.filter((scope) => !input.requested.includes(scope));
  return updateGrant(prisma, {
    slug: input.slug,
    organizationId: input.organizationId,
    grant: [...new Set([...kept, ...input.approved])],
    adminId: input.adminId,
  });
}

export function parseDuration(text: string): number {
  const match = /^(\d{1,5})([mhdw])$/.exec(text.trim());
  if (!match) throw new MarketplaceError(`Durations look like 30m, 12h, 30d or 8w; got "${text}".`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new MarketplaceError('A duration must be longer than zero.');
  return ms;
}

export interface CreatedKey {
  id: string;
  secret: string;
  prefix: string;
  scopes: string[];
  test: boolean;
  expiresAt: Date | null;
}

export async function createKey(
  prisma: PrismaClient,
  input: { slug: string; scopes?: readonly string[]; expiresInMs?: number; test?: boolean; name?: string; organizationId?: string },
): Promise<CreatedKey> {
  const app = await appBySlug(prisma, input.slug);
  const scopes = input.scopes ? parseScopeList(input.scopes, 'key scopes') : app.declaredScopes;
  const undeclared = outside(scopes, app.declaredScopes);
  if (undeclared.length > 0) {
    throw new MarketplaceError(
      `A key of "${app.slug}" cannot hold ${undeclared.join(', ')}: the app declares only ${app.declaredScopes.join(', ')}.`,
    );
  }
  const test = input.test ?? false;
  const secret = generateSecret(test);
  const key = await prisma.apiKey.create({
    data: {
      id: newId('ApiKey'),
      appId: app.id,
      name: input.name ?? null,
      prefix: visiblePrefix(secret),
      secretHash: hashSecret(secret),
      scopes,
      test,
      expiresAt: input.expiresInMs ? new Date(Date.now() + input.expiresInMs) : null,
      organizationId: input.organizationId ?? null,
    },
  });
  return { id: key.id, secret, prefix: key.prefix, scopes: key.scopes, test: key.test, expiresAt: key.expiresAt };
}

export async function listKeys(prisma: PrismaClient, slug: string) {
  const app = await appBySlug(prisma, slug);
  return prisma.apiKey.findMany({
    where: { appId: app.id },
    orderBy: { createdAt: 'desc' },
    omit: { secretHash: true },
  });
}

async function keyById(prisma: PrismaClient, id: string) {
  const key = await prisma.apiKey.findUnique({ where: { id }, include: { app: true } });
  if (!key) throw new MarketplaceError(`No API key ${id}. See: keys list --app <slug>.`, 'not_found');
  return key;
}

export async function revokeKey(prisma: PrismaClient, id: string) {
  const key = await keyById(prisma, id);
  if (key.revokedAt && key.revokedAt <= new Date()) throw new MarketplaceError(`Key ${id} is already revoked.`, 'conflict');
  return prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, omit: { secretHash: true } });
}

/** A new key with the same app, scopes and environment; the old one stops working after the grace period. */
export async function rotateKey(prisma: PrismaClient, id: string, graceMs = 0) {
  const old = await keyById(prisma, id);
  if (old.revokedAt && old.revokedAt <= new Date()) {
    throw new MarketplaceError(`Key ${id} is revoked; create a new key instead of rotating it.`, 'conflict');
  }
  const created = await createKey(prisma, {
    slug: old.app.slug,
    scopes: old.scopes,
    test: old.test,
    name: old.name ?? undefined,
    organizationId: old.organizationId ?? undefined,
    expiresInMs: old.expiresAt ? Math.max(old.expiresAt.getTime() - Date.now(), 60_000) : undefined,
  });
  const revokedAt = new Date(Date.now() + graceMs);
  await prisma.apiKey.update({ where: { id }, data: { revokedAt, replacedById: created.id } });
  return { created, revoked: { id, revokedAt } };
}
