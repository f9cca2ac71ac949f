import type { OperationName } from '../marketplace/operations.js';
import type { PatientSearch } from '../audit/access.js';

type Row = Record<string, unknown>;

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length ? value.join(',') : '(none)';
  return String(value);
};

function table(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => text(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

function fields(row: Row, columns: string[]): string {
  const width = Math.max(...columns.map((c) => c.length));
  return columns.map((column) => `${column.padEnd(width)}  ${text(row[column])}`).join('\n');
}

const listed = (values: string[], max: number) =>
  values.length > max ? `${values.slice(0, max).join(', ')} … and ${values.length - max} more (--json lists all)` : values.join(', ') || '(none)';

function searchMatches({ totalCount, returned }: PatientSearch): string {
  const parts = [totalCount !== null && `${totalCount} matching in all`, returned !== null && `${returned} returned`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'matches not shown';
}

interface AuditListing {
  organization: { id: string; name: string };
  filters: { app: string | null; patient: string | null; since: Date | string | null; before?: Date | string | null; limit: number };
  records: (Row & { patientIds: string[]; fieldPaths: string[]; searches: PatientSearch[] })[];
}

function auditText({ organization, filters, records }: AuditListing): string {
  const narrowed = [
    filters.app && `app ${filters.app}`,
    filters.patient && `patient ${filters.patient}`,
    filters.since && `since ${text(filters.since)}`,
    filters.before && `before ${text(filters.before)}`,
  ].filter(Boolean);
  const lines = [
    `${records.length} patient-data access record${records.length === 1 ? '' : 's'} in ${organization.name} (${organization.id})${narrowed.length ? `, ${narrowed.join(', ')}` : ''}, newest first.`,
  ];
  for (const record of records) {
    lines.push(
      '',
      `${text(record.at)}  app ${text(record.app)}  key ${text(record.key)}  operation ${record.operationName ?? '(anonymous)'}  trace ${text(record.traceId)}`,
      `  patients (${record.patientIds.length}): ${listed(record.patientIds, 10)}`,
      `  fields: ${listed(record.fieldPaths, 20)}`,
      ...record.searches.map((search) => `  search on ${search.list} by ${search.arguments.join(', ')}: ${searchMatches(search)}`),
      `  document sha256: ${text(record.documentHash)}`,
    );
  }
  if (records.length === filters.limit) lines.push('', `Only the newest ${filters.limit} are shown: narrow with --since or raise --limit.`);
  return lines.join('\n');
}

interface ScopeReport {
  organization: { id: string; name: string };
  days: number;
  since: string;
  installations: {
    installationId: string;
    app: { slug: string; name: string };
    installedAt: Date | string;
    used: { scope: string; requests: number; lastUsed: string | null }[];
    unused: { scope: string; lastUsed: string | null }[];
  }[];
}

function scopeReportText(report: ScopeReport): string {
  const lines = [`Scope use in ${report.organization.name} (${report.organization.id}) over the last ${report.days} days (since ${report.since}):`];
  if (report.installations.length === 0) lines.push('', 'No app is installed.');
  for (const installation of report.installations) {
    lines.push('', `${installation.app.slug} (${installation.installationId}), installed ${text(installation.installedAt)}`);
    lines.push(
      `  used:   ${installation.used.map((u) => `${u.scope} (${u.requests} request${u.requests === 1 ? '' : 's'}, last ${u.lastUsed})`).join(', ') || '(none)'}`,
    );
    lines.push(
      `  unused: ${installation.unused.map((u) => `${u.scope} (${u.lastUsed ? `last used ${u.lastUsed}` : 'never used'})`).join(', ') || '(none)'}`,
    );
    if (installation.unused.length > 0 && installation.used.length > 0) {
      lines.push(
        `  to take back the unused ones: installations update --app ${installation.app.slug} --org ${report.organization.id} --grant ${installation.used.map((u) => u.scope).join(',')}`,
      );
    }
  }
  return lines.join('\n');
}

/** Human output per command; --json prints the operation's result as is. */
export function printResult(name: OperationName, result: unknown, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const row = result as Row;
  switch (name) {
    case 'orgs.create':
      console.log(fields(row, ['id', 'name', 'createdAt']));
      return;
    case 'orgs.list':
      console.log(table(result as Row[], ['id', 'name', 'createdAt']));
      return;
    case 'apps.create':
    case 'apps.update':
    case 'apps.oauth': {
      console.log(fields(row, ['id', 'slug', 'name', 'declaredScopes', 'optionalScopes', 'redirectUris', 'liveVersionId']));
      const oauth = row.oauth as { clientId: string; clientSecret?: string } | undefined;
      if (oauth) console.log(`\nOAuth client_id: ${oauth.clientId}`);
      if (oauth?.clientSecret) console.log(`Client secret (shown once; store it now, it cannot be retrieved):\n${oauth.clientSecret}`);
      return;
    }
    case 'admins.create':
    case 'admins.reset-password': {
      const { admin, passwordLink } = result as { admin: Row; passwordLink: { url: string; expiresAt: Date | string } };
      console.log(fields(admin, ['id', 'email', 'name']));
      console.log(`\nSend this one-time link to ${text(admin.email)} yourself (no mail is sent); it works once, until ${text(passwordLink.expiresAt)}:\n${passwordLink.url}`);
      return;
    }
    case 'admins.list':
      console.log(table(result as Row[], ['id', 'email', 'name', 'passwordSetAt', 'createdAt', 'disabledAt']));
      return;
    case 'admins.disable':
      console.log(fields(row, ['id', 'email', 'disabledAt']));
      return;
    case 'apps.list':
      console.log(
        table(
          (result as (Row & { installations: Row[]; _count: { keys: number } })[]).map((app) => ({
            ...app,
            installedIn: app.installations.map((i) => i.organizationId),
            keys: app._count.keys,
          })),
          ['id', 'slug', 'name', 'declaredScopes', 'installedIn', 'keys'],
        ),
      );
      return;
    case 'apps.install':
    case 'apps.uninstall':
    case 'installations.update':
      console.log(fields(row, ['id', 'appId', 'organizationId', 'grantedScopes', 'installedAt', 'uninstalledAt']));
      return;
    case 'keys.create':
      console.log(fields(row, ['id', 'prefix', 'scopes', 'test', 'expiresAt']));
      console.log(`\nSecret (shown once; store it now, it cannot be retrieved):\n${text(row.secret)}`);
      return;
    case 'keys.list':
      console.log(table(result as Row[], ['id', 'prefix', 'name', 'scopes', 'organizationId', 'test', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt']));
      return;
    case 'keys.revoke':
      console.log(fields(row, ['id', 'prefix', 'revokedAt']));
      return;
    case 'keys.rotate': {
      const { created, revoked } = result as { created: Row; revoked: Row };
      console.log(`Old key ${text(revoked.id)} stops working at ${text(revoked.revokedAt)}.\n`);
      console.log(fields(created, ['id', 'prefix', 'scopes', 'test', 'expiresAt']));
      console.log(`\nSecret (shown once; store it now, it cannot be retrieved):\n${text(created.secret)}`);
      return;
    }
    case 'audit.list':
      console.log(auditText(result as AuditListing));
      return;
    case 'audit.purge': {
      const purge = result as { retention: string; cutoff: Date | string; dryRun: boolean; deleted: number; batches: number };
      console.log(
        purge.dryRun
          ? `${purge.deleted} access records are older than ${text(purge.cutoff)} (retention ${purge.retention}); nothing deleted (dry run).`
          : `Deleted ${purge.deleted} access records older than ${text(purge.cutoff)} (retention ${purge.retention}) in ${purge.batches} batch${purge.batches === 1 ? '' : 'es'}.`,
      );
      return;
    }
    case 'report.scopes':
      console.log(scopeReportText(result as ScopeReport));
      return;
  }
}
