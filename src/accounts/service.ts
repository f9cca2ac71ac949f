import type { PrismaClient } from '../generated/prisma/client.js';
import { newId } from '../ids.js';
import { MarketplaceError } from '../marketplace/service.js';
import type { AccountsConfig } from './config.js';
import { hashToken, randomToken } from './tokens.js';

const emailPattern = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>".]{2,63}$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface PasswordLink {
  url: string;
  expiresAt: Date;
}

function passwordLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/console/set-password?token=${token}`;
}

async function newPasswordLink(
  prisma: Pick<PrismaClient, 'adminPasswordLink'>,
  adminId: string,
  config: Pick<AccountsConfig, 'passwordLinkTtlMs' | 'publicUrl'>,
): Promise<PasswordLink> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.passwordLinkTtlMs);
  await prisma.adminPasswordLink.create({ data: { id: newId('AdminPasswordLink'), adminId, tokenHash: hashToken(token), expiresAt } });
  return { url: passwordLinkUrl(config.publicUrl, token), expiresAt };
}

/** A clinic admin without a password yet, and the one-time link that lets the person set it. */
export async function createAdmin(
  prisma: PrismaClient,
  input: { organizationId: string; email: string; name: string },
  config: Pick<AccountsConfig, 'passwordLinkTtlMs' | 'publicUrl'>,
) {
  const email = normalizeEmail(input.email);
  if (!emailPattern.test(email)) throw new MarketplaceError(`"${input.email}" is not an email address (--email).`);
  const name = input.name.trim();
  if (!name) throw new MarketplaceError('An admin needs a name (--name).');
  const organization = await prisma.organization.findUnique({ where: { id: input.organizationId } });
  if (!organization) throw new MarketplaceError(`No organization ${input.organizationId}. See: orgs list.`, 'not_found');
  if (await prisma.clinicAdmin.findUnique({ where: { email } })) {
    throw new MarketplaceError(`An admin with email ${email} exists. Send a new link with: admins reset-password --email ${email}.`, 'conflict');
  }
  return prisma.$transaction(async (tx) => {
    const admin = await tx.clinicAdmin.create({
      data: { id: newId('ClinicAdmin'), organizationId: organization.id, email, name },
      omit: { passwordHash: true },
    });
    return { admin, organization: { id: organization.id, name: organization.name }, passwordLink: await newPasswordLink(tx, admin.id, config) };
  });
}

export function listAdmins(prisma: PrismaClient, input: { organizationId: string }) {
  return prisma.clinicAdmin.findMany({
    where: { organizationId: input.organizationId },
    orderBy: [{ email: 'asc' }],
    omit: { passwordHash: true },
  });
}

async function adminByEmail(prisma: PrismaClient, email: string) {
  const admin = await prisma.clinicAdmin.findUnique({ where: { email: normalizeEmail(email) } });
  if (!admin) throw new MarketplaceError(`No admin with email ${normalizeEmail(email)}. See: admins list --org <id>.`, 'not_found');
  return admin;
}

/** A new one-time link; earlier unused links stop working. The current password keeps working until the link is used. */
export async function resetPassword(
  prisma: PrismaClient,
  input: { email: string },
  config: Pick<AccountsConfig, 'passwordLinkTtlMs' | 'publicUrl'>,
) {
  const admin = await adminByEmail(prisma, input.email);
  if (admin.disabledAt) throw new MarketplaceError(`Admin ${admin.email} is disabled.`, 'conflict');
  return prisma.$transaction(async (tx) => {
    await tx.adminPasswordLink.updateMany({ where: { adminId: admin.id, usedAt: null }, data: { usedAt: new Date() } });
    return { admin: { id: admin.id, email: admin.email, name: admin.name }, passwordLink: await newPasswordLink(tx, admin.id, config) };
  });
}

/** Disabling ends the person's sessions at once; installations they approved stay. */
export async function disableAdmin(prisma: PrismaClient, input: { email: string }) {
  const admin = await adminByEmail(prisma, input.email);
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    await tx.adminSession.updateMany({ where: { adminId: admin.id, revokedAt: null }, data: { revokedAt: now } });
    await tx.adminPasswordLink.updateMany({ where: { adminId: admin.id, usedAt: null }, data: { usedAt: now } });
    return tx.clinicAdmin.update({ where: { id: admin.id }, data: { disabledAt: now }, omit: { passwordHash: true } });
  });
}

/** The admin a set-password link names, while it is unused and unexpired. */
export async function passwordLinkAdmin(prisma: PrismaClient, token: string, now = new Date()) {
  const link = await prisma.adminPasswordLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { admin: { select: { id: true, email: true, name: true, disabledAt: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= now || link.admin.disabledAt) return null;
  return link.admin;
}

/** Uses the link (once: a second, concurrent use finds it used), stores the hash, and ends existing sessions. */
export async function setPasswordWithLink(prisma: PrismaClient, token: string, passwordHash: string, now = new Date()): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const link = await tx.adminPasswordLink.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!link) return false;
    const used = await tx.adminPasswordLink.updateMany({
      where: { id: link.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (used.count !== 1) return false;
    await tx.clinicAdmin.update({ where: { id: link.adminId }, data: { passwordHash, passwordSetAt: now } });
    await tx.adminSession.updateMany({ where: { adminId: link.adminId, revokedAt: null }, data: { revokedAt: now } });
    return true;
  });
}

export interface SignedIn {
  sessionId: string;
  csrfSecret: string;
  admin: { id: string; email: string; name: string };
  organization: { id: string; name: string };
}

export async function createSession(
  prisma: PrismaClient,
  input: { adminId: string; csrfSecret: string; ttlMs: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = Date.now();
  const expiresAt = new Date(now + input.ttlMs);
  // Sessions over for a day are of no further use: each sign-in clears them, so the table stays the size of who is signed in.
  const dayAgo = new Date(now - 86_400_000);
  await prisma.adminSession.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } });
  await prisma.adminSession.create({
    data: { id: newId('AdminSession'), adminId: input.adminId, tokenHash: hashToken(token), csrfSecret: input.csrfSecret, expiresAt },
  });
  return { token, expiresAt };
}

/** The signed-in admin of a session cookie; null once it expired, idled out, was revoked or the admin was disabled. */
export async function sessionOf(
  prisma: PrismaClient,
  token: string,
  options: { idleMs: number; now?: Date },
): Promise<SignedIn | null> {
  const now = options.now ?? new Date();
  const session = await prisma.adminSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { admin: { include: { organization: { select: { id: true, name: true } } } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || session.admin.disabledAt) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > options.idleMs) return null;
  // At most one write a minute per session keeps the idle clock without a write per page.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await prisma.adminSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  const { admin } = session;
  return {
    sessionId: session.id,
    csrfSecret: session.csrfSecret,
    admin: { id: admin.id, email: admin.email, name: admin.name },
    organization: admin.organization,
  };
}

export async function revokeSession(prisma: PrismaClient, sessionId: string): Promise<void> {
  await prisma.adminSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** The account a sign-in names, with what verification needs. */
export function adminForSignIn(prisma: PrismaClient, email: string) {
  return prisma.clinicAdmin.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, passwordHash: true, disabledAt: true },
  });
}
