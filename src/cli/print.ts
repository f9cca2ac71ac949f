import type { OperationName } from '../marketplace/operations.js';

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
      console.log(fields(row, ['id', 'slug', 'name', 'declaredScopes', 'liveVersionId']));
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
      console.log(table(result as Row[], ['id', 'prefix', 'name', 'scopes', 'test', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt']));
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
  }
}
