import type { PrismaClient } from '../generated/prisma/client.js';
import { listPhiAccess, scopeUsageReport, type AuditQuery } from '../audit/queries.js';
import { readAccountsConfig } from '../accounts/config.js';
import { createAdmin, disableAdmin, listAdmins, resetPassword } from '../accounts/service.js';
import { syncOperations } from '../sync/operations.js';
import { purgePhiAccess, type PurgeOptions } from '../audit/retention.js';
import {
  createApp,
  createKey,
  createOrganization,
  installApp,
  listApps,
  listKeys,
  listOrganizations,
  parseDuration,
  revokeKey,
  rotateKey,
  uninstallApp,
  updateAppOAuth,
  updateAppScopes,
  updateGrant,
} from './service.js';

/**
 * Everything the CLI can do, as named operations over plain JSON input and output. The CLI runs them
 * in process, or hands them to the running server when it owns the embedded database.
 */
export const operations = {
  'orgs.create': (prisma: PrismaClient, input: { name: string }) => createOrganization(prisma, input.name),
  'orgs.list': (prisma: PrismaClient) => listOrganizations(prisma),
  'apps.create': (
    prisma: PrismaClient,
    input: { slug: string; name: string; scopes: string[]; optionalScopes?: string[]; redirectUris?: string[] },
  ) => createApp(prisma, input),
  'apps.oauth': (prisma: PrismaClient, input: { slug: string; redirectUris?: string[]; optionalScopes?: string[]; newSecret?: boolean }) =>
    updateAppOAuth(prisma, input),
  'apps.list': (prisma: PrismaClient) => listApps(prisma),
  'apps.update': (prisma: PrismaClient, input: { slug: string; scopes: string[] }) =>
    updateAppScopes(prisma, input.slug, input.scopes),
  'apps.install': (prisma: PrismaClient, input: { slug: string; organizationId: string; grant?: string[] }) =>
    installApp(prisma, input),
  'apps.uninstall': (prisma: PrismaClient, input: { slug: string; organizationId: string }) => uninstallApp(prisma, input),
  'installations.update': (prisma: PrismaClient, input: { slug: string; organizationId: string; grant: string[] }) =>
    updateGrant(prisma, input),
  'keys.create': (
    prisma: PrismaClient,
    input: { slug: string; scopes?: string[]; expiresIn?: string; test?: boolean; name?: string },
  ) =>
    createKey(prisma, {
      slug: input.slug,
      scopes: input.scopes,
      test: input.test,
      name: input.name,
      expiresInMs: input.expiresIn ? parseDuration(input.expiresIn) : undefined,
    }),
  'keys.list': (prisma: PrismaClient, input: { slug: string }) => listKeys(prisma, input.slug),
  'keys.revoke': (prisma: PrismaClient, input: { id: string }) => revokeKey(prisma, input.id),
  'keys.rotate': (prisma: PrismaClient, input: { id: string; grace?: string }) =>
    rotateKey(prisma, input.id, input.grace ? parseDuration(input.grace) : 0),
  'audit.list': (prisma: PrismaClient, input: AuditQuery) => listPhiAccess(prisma, input),
  // Links are built from the settings of the process that runs the operation: the server's, when the CLI goes through it.
  'admins.create': (prisma: PrismaClient, input: { organizationId: string; email: string; name: string }) =>
    createAdmin(prisma, input, readAccountsConfig()),
  'admins.list': (prisma: PrismaClient, input: { organizationId: string }) => listAdmins(prisma, input),
  'admins.reset-password': (prisma: PrismaClient, input: { email: string }) => resetPassword(prisma, input, readAccountsConfig()),
  'admins.disable': (prisma: PrismaClient, input: { email: string }) => disableAdmin(prisma, input),
  'audit.purge': (prisma: PrismaClient, input: Omit<PurgeOptions, 'now'>) => purgePhiAccess(prisma, input),
  'report.scopes': (prisma: PrismaClient, input: { organizationId: string; days?: number }) => scopeUsageReport(prisma, input),
  ...syncOperations,
} as const;

export type OperationName = keyof typeof operations;
export type OperationInput<Name extends OperationName> = Parameters<(typeof operations)[Name]>[1];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

export async function runOperation(prisma: PrismaClient, name: OperationName, input: unknown): Promise<unknown> {
  const operation = operations[name] as (prisma: PrismaClient, input: unknown) => Promise<unknown>;
  return operation(prisma, input);
}
