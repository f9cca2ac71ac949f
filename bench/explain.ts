/**
 * npm run bench:explain — every SQL statement the API sends for a corpus of operations covering all
 * root fields, filters, sort orders, searches, nested connections and references, planned by
 * PostgreSQL on the scale data. Exits 1 listing any sequential scan of a table over 1,000 rows
 * (except those the corpus accepts with a reason), or any part of the schema the corpus misses.
 *
 * Also writes bench/results/explain.md: each statement shape, its plan's scans and its time.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isLeafType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLSchema,
} from 'graphql';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { schema } from '../src/schema/index.js';
import { createApp } from '../src/yoga.js';
import { corpus, corpusIds, type CorpusEntry } from './corpus.js';
import { prepareBenchDatabase } from './database.js';

const largeTable = 1_000;
/** A sequential scan that keeps at least this share of a table is accepted when an index exists for smaller shares. */
const unselectiveShare = 0.1;
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

interface Statement {
  sql: string;
  params: unknown[];
  entry: CorpusEntry;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

interface Scan {
  node: string;
  table: string;
  index?: string;
  filter?: string;
  removedByFilter: number;
  /** Rows the scan kept (actual when executed, else the planner's estimate). */
  rows: number;
}

function scansOf(plan: PlanNode, out: Scan[] = []): Scan[] {
  if (plan['Relation Name']) {
    out.push({
      node: plan['Node Type'],
      table: plan['Relation Name'],
      index: plan['Index Name'],
      filter: plan.Filter,
      removedByFilter: (plan['Rows Removed by Filter'] ?? 0) * (plan['Actual Loops'] ?? 1),
      rows: plan['Actual Rows'] !== undefined ? plan['Actual Rows'] * (plan['Actual Loops'] ?? 1) : (plan['Plan Rows'] ?? 0),
    });
  }
  for (const child of plan.Plans ?? []) scansOf(child, out);
  return out;
}

/** Statement text with its literal id lists collapsed, so one shape appears once in the report. */
function shapeOf(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\$\d+(\s*,\s*\$\d+)+/g, '$…')
    .replace(/\$\d+/g, '$')
    .trim();
}

/**
 * Schema coverage: every field of the schema that takes arguments or leads to another object (a list,
 * connection or reference), and every argument of those, must appear in some corpus operation.
 */
function uncovered(schema: GraphQLSchema, entries: CorpusEntry[]): string[] {
  const required = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'PageInfo') continue;
    if (/(Edge|Connection)$/.test(type.name) || type.name.startsWith('Me') || type.name.startsWith('Authoriz')) continue;
    // Mutations write one app's webhook subscriptions by primary key: nothing for the scale data to plan.
    if (type === schema.getMutationType() || type.name.endsWith('Payload')) continue;
    for (const field of Object.values(type.getFields())) {
      const leaf = isLeafType(getNamedType(field.type));
      if (leaf && field.args.length === 0 && field.name !== 'totalCount' && field.name !== 'itemCount') continue;
      required.add(`${type.name}.${field.name}`);
      for (const arg of field.args) required.add(`${type.name}.${field.name}(${arg.name})`);
    }
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(entry.query),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (!parent) return;
          seen.add(`${parent.name}.${node.name.value}`);
          for (const arg of node.arguments ?? []) seen.add(`${parent.name}.${node.name.value}(${arg.name.value})`);
        },
      }),
    );
  }
  // Connection fields count as covered through their Connection type's totalCount, which is global.
  return [...required].filter((key) => !seen.has(key) && !/\.totalCount$/.test(key)).sort();
}

/** Every order field of every root list's `orderBy`, both ways, must be planned: root lists carry the large scans. */
function uncoveredOrders(schema: GraphQLSchema, entries: CorpusEntry[]): string[] {
  const required: string[] = [];
  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const orderBy = field.args.find((arg) => arg.name === 'orderBy');
    if (!orderBy) continue;
    const input = getNamedType(orderBy.type);
    const fieldEnum = isInputObjectType(input) ? getNamedType(input.getFields().field!.type) : undefined;
    if (!isEnumType(fieldEnum)) continue;
    for (const value of fieldEnum.getValues()) for (const direction of ['ASC', 'DESC']) required.push(`${field.name} ${value.name}/${direction}`);
  }
  const used = new Set<string>();
  for (const entry of entries) {
    for (const match of entry.query.matchAll(/(\w+)\([^()]*orderBy: \{ field: (\w+)(?:, direction: (\w+))? \}/g)) used.add(`${match[1]} ${match[2]}/${match[3] ?? 'ASC'}`);
  }
  return required.filter((order) => !used.has(order)).map((order) => `orderBy ${order}`);
}

async function main(): Promise<number> {
  const bench = await prepareBenchDatabase((line) => console.log(line));
  const db = await openDatabase({ kind: 'postgres', url: bench.url }, { replicaUrls: [], statementTimeoutMs: 60_000 });
  // Both paths a query can take: one statement per query, and the executor's statement per level.
  const hardening = { rateLimit: { points: 1_000_000 }, logLevel: 'silent' };
  const apps = [createApp({ db, hardening }), createApp({ db, hardening, execution: { oneStatement: false } })];
  const app = apps[0]!;
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  try {
    const ids = await corpusIds(bench.url, bench.organizationId);
    const entries = corpus(ids);
    const gaps = [...uncovered(schema, entries), ...uncoveredOrders(schema, entries)];

    const gql = async (entry: CorpusEntry, variables?: Record<string, unknown>, served = app) => {
      const response = await served.yoga.fetch('http://bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.secret}`, 'x-organization-id': bench.organizationId },
        body: JSON.stringify({ query: entry.query, variables }),
      });
      return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    };

    /** The first cursor-less page's end (or start) cursor, for entries paging with $after or $before. */
    const cursorFor = async (entry: CorpusEntry): Promise<Record<string, unknown> | undefined> => {
      const name = /\$after/.test(entry.query) ? 'after' : /\$before/.test(entry.query) ? 'before' : null;
      if (!name) return undefined;
      const probe = {
        ...entry,
        query: entry.query
          .replace(/query\(\$(after|before): String\)/, '')
          .replace(/,? ?(after|before): \$(after|before)/, '')
          .replace(/nodes \{/, `pageInfo { endCursor startCursor } nodes {`),
      };
      const result = await gql(probe);
      const found = JSON.stringify(result.data ?? {}).match(/"(endCursor|startCursor)":"([^"]+)"/g) ?? [];
      const cursors = Object.fromEntries(found.map((pair) => pair.replace(/"/g, '').split(':') as [string, string]));
      const cursor = name === 'after' ? cursors.endCursor : cursors.startCursor;
      if (!cursor) throw new Error(`No cursor for "${entry.name}": ${JSON.stringify(result.errors ?? result.data)}`);
      return { [name]: cursor };
    };

    /** The statement's plan, executed for reads (writes already ran once: planned only), in a rolled-back transaction. */
    const explain = async (statement: Statement, noSeqScan = false): Promise<PlanNode & { 'Execution Time'?: number }> => {
      await client.query('BEGIN');
      try {
        if (noSeqScan) await client.query('SET LOCAL enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
          `EXPLAIN (${/^\s*(\/\*.*?\*\/\s*)?(SELECT|WITH)/i.test(statement.sql) ? 'ANALYZE, ' : ''}FORMAT JSON) ${statement.sql}`,
          statement.params,
        );
        const [explained] = rows[0]!['QUERY PLAN'];
        return { ...explained.Plan, 'Execution Time': explained['Execution Time'] };
      } finally {
        await client.query('ROLLBACK');
      }
    };

    const statements: Statement[] = [];
    let current: CorpusEntry | null = null;
    db.onStatement((sql, params) => {
      if (current) statements.push({ sql, params: JSON.parse(params || '[]') as unknown[], entry: current });
    });
    const failures: string[] = [];
    for (const served of apps) {
      for (const entry of entries) {
        const variables = await cursorFor(entry);
        current = entry;
        const result = await gql(entry, variables, served);
        current = null;
        if (result.errors?.length && !entry.refused) failures.push(`${entry.name}: ${result.errors.map((e) => e.message).join('; ')}`);
        if (entry.refused && !result.errors?.length) failures.push(`${entry.name}: answered, though the corpus says it is refused (${entry.refused})`);
      }
    }

    const { rows: sizes } = await client.query<{ relname: string; rows: string }>(
      `SELECT c.relname, c.reltuples::bigint AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'`,
    );
    const rowsOf = new Map(sizes.map((row) => [row.relname, Number(row.rows)]));

    const seqScans: string[] = [];
    const accepted: string[] = [];
    const heavyFilters: string[] = [];
    const shapes = new Map<string, { scans: Set<string>; ms: number[]; entries: Set<string> }>();
    for (const statement of statements) {
      if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(statement.sql)) continue;
      const plan = await explain(statement);
      const scans = scansOf(plan);
      const shape = shapeOf(statement.sql);
      const record = shapes.get(shape) ?? { scans: new Set<string>(), ms: [], entries: new Set<string>() };
      record.ms.push(plan['Execution Time'] ?? 0);
      record.entries.add(statement.entry.name);
      for (const scan of scans) {
        record.scans.add(`${scan.node} on ${scan.table}${scan.index ? ` using ${scan.index}` : ''}`);
        const rows = rowsOf.get(scan.table) ?? 0;
        if (scan.node === 'Seq Scan' && rows > largeTable) {
          // Could an index serve it at all? The same statement planned with sequential scans disabled.
          const forced = await explain(statement, true);
          const indexPath = !scansOf(forced).some((other) => other.node === 'Seq Scan' && other.table === scan.table);
          const share = scan.rows / rows;
          const why = indexPath
            ? `an index serves it (${forced['Execution Time']?.toFixed(2) ?? '?'} ms forced vs ${plan['Execution Time']?.toFixed(2) ?? '?'} ms chosen); the scan keeps ${(share * 100).toFixed(1)}% of the table`
            : 'NO index can serve it';
          const line = `${statement.entry.name}: Seq Scan on "${scan.table}" (${rows.toLocaleString('en-US')} rows): ${why}${scan.filter ? `\n    filter ${scan.filter.slice(0, 160)}` : ''}\n    ${shape.slice(0, 300)}`;
          if (statement.entry.acceptSeqScan) accepted.push(`${line}\n    accepted: ${statement.entry.acceptSeqScan}`);
          // Reading a large share of a table, a sequential scan is the right plan; the index is there for smaller shares.
          else if (indexPath && share >= unselectiveShare) accepted.push(`${line}\n    accepted: the condition selects ≥ ${unselectiveShare * 100}% of the table`);
          else seqScans.push(line);
        } else if (scan.removedByFilter > largeTable) {
          heavyFilters.push(
            `${statement.entry.name}: ${scan.node} on "${scan.table}"${scan.index ? ` using ${scan.index}` : ''} discarded ${scan.removedByFilter.toLocaleString('en-US')} rows by filter${statement.entry.acceptSeqScan ? ` (accepted: ${statement.entry.acceptSeqScan})` : ''}`,
          );
        }
      }
      shapes.set(shape, record);
    }

    const report = [
      '# EXPLAIN of the API\'s SQL on the scale data',
      '',
      `${entries.length} operations, ${statements.length} statements, ${shapes.size} distinct shapes. Tables: ${[...rowsOf]
        .filter(([, rows]) => rows > largeTable)
        .map(([table, rows]) => `${table} ${rows.toLocaleString('en-US')}`)
        .join(', ')}.`,
      '',
      '| statement | scans | max ms | from |',
      '|---|---|---:|---|',
      ...[...shapes]
        .sort((a, b) => Math.max(...b[1].ms) - Math.max(...a[1].ms))
        .map(
          ([shape, record]) =>
            `| \`${shape.slice(0, 220).replace(/\|/g, '\\|')}${shape.length > 220 ? '…' : ''}\` | ${[...record.scans].join('<br>')} | ${Math.max(...record.ms).toFixed(2)} | ${[...record.entries].slice(0, 3).join('; ')}${record.entries.size > 3 ? ` (+${record.entries.size - 3})` : ''} |`,
        ),
      '',
    ].join('\n');
    await writeFile(path.join(resultsDir, 'explain.md'), report);

    const { rows: settings } = await client.query<{ random_page_cost: string }>('SHOW random_page_cost');
    console.log(`\n${entries.length} operations, ${statements.length} statements (${shapes.size} shapes) explained on the scale data (random_page_cost ${settings[0]?.random_page_cost}).`);
    console.log('Slowest statements (ms, EXPLAIN ANALYZE):');
    for (const [shape, record] of [...shapes].sort((a, b) => Math.max(...b[1].ms) - Math.max(...a[1].ms)).slice(0, 8)) {
      console.log(`  ${Math.max(...record.ms).toFixed(2).padStart(8)}  ${[...record.entries][0]}: ${[...record.scans].join(', ')}`);
    }
    if (heavyFilters.length) console.log(`\nIndex scans that discard many rows (not failures):\n  ${heavyFilters.join('\n  ')}`);
    if (accepted.length) console.log(`\nAccepted sequential scans:\n  ${accepted.join('\n  ')}`);
    if (failures.length) console.log(`\nOperations that answered with errors:\n  ${failures.join('\n  ')}`);
    if (gaps.length) console.log(`\nSchema parts no corpus operation covers:\n  ${gaps.join('\n  ')}`);
    if (seqScans.length) console.log(`\nSequential scans of tables over ${largeTable.toLocaleString('en-US')} rows:\n  ${seqScans.join('\n  ')}`);
    const ok = seqScans.length === 0 && failures.length === 0 && gaps.length === 0;
    console.log(ok ? '\nOK: no sequential scan of a large table.' : '\nFAILED');
    return ok ? 0 : 1;
  } finally {
    await client.end();
    await Promise.all(apps.map((served) => served.close()));
    await db.close();
  }
}

process.exit(await main());
