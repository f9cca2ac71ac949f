import DataLoader from 'dataloader';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { resourceOf, type Rows } from '../resources.js';
import { insufficientScope } from '../errors.js';
import type { Scope } from '../scopes.js';
import { directReadOf, type DirectRead } from '../db/database.js';
import type { ReferenceExtension } from './prefetch.js';
import { toPage, type Page, type PageRequest } from './pagination.js';
import {
  keysetSql,
  orderSql,
  table,
  whereSql,
  withTiebreaker,
  type Condition,
  type SortKey,
  type Table,
} from './sql.js';

export type { Rows } from '../resources.js';

export interface ListQuery {
  conditions: readonly Condition[];
  order: readonly SortKey[];
}

type Parented<Row> = Row & { __parent: string };

/**
 * Every column, or only these (names from Prisma's own column lists, never from a request). Rows read
 * with fewer columns are not primed into the by-id cache: a reference to one must read the whole row.
 */
const selectList = (columns: readonly string[] | null) =>
  columns ? Prisma.raw(columns.map((name) => `t."${name}"`).join(', ')) : Prisma.raw('t.*');

function groupBy<Row extends { __parent: string }>(keys: readonly string[], rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(row.__parent)?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}

/**
 * Every read of clinic data goes through here, per request, and every statement filters by the
 * caller's organization: tenancy does not depend on which path (root, nested, node) reached a row.
 * Nor do scopes: a table whose scope the caller lacks is refused here, whichever field asked, so a
 * field that forgot its rule still returns nothing (the rules on fields come first and give the
 * precise error; this is the line behind them).
 * Loaders batch by parent, so a list's children cost one statement whatever the number of parents.
 */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<string, unknown>>();
  /** Rows this request has read, by table and id: a reference to one of them resolves without a promise. */
  private readonly known = new Map<Table, Map<string, unknown>>();

  private readonly read: DirectRead | undefined;
  private readonly pagesByAsker = new Map<object, Map<string, DataLoader<string, unknown>>>();

  constructor(
    private readonly prisma: PrismaClient,
    readonly organizationId: string,
    private readonly scopes: ReadonlySet<Scope>,
  ) {
    this.read = directReadOf(prisma);
  }

  /** Whether the caller's effective scopes reach rows of this table. */
  mayRead(name: Table): boolean {
    return this.scopes.has(resourceOf[name].scope);
  }

  /** Refuses, with the error a field rule gives, a read of a table whose scope the caller lacks. */
  private require(name: Table): void {
    this.requireScope(resourceOf[name].scope);
  }

  /** The same refusal for what is read from outside the clinic tables (the caller's own identity, `me`). */
  requireScope(scope: Scope): void {
    if (!this.scopes.has(scope)) throw insufficientScope([scope]);
  }

  private loader<V>(key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.cache.get(key) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 1000 });
      this.cache.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  private query<Row>(sql: Prisma.Sql): Promise<Row[]> {
    return this.read ? this.read<Row>(sql) : this.prisma.$queryRaw<Row[]>(sql);
  }

  private byIdLoader<T extends Table>(name: T): DataLoader<string, Rows[T] | null> {
    return this.loader<Rows[T] | null>(`id:${name}`, async (ids) => {
      const rows = await this.query<Rows[T]>(
        Prisma.sql`SELECT t.* FROM ${table(name)} t WHERE ${whereSql(this.organizationId, [])} AND t."id" IN (${Prisma.join(ids)})`,
      );
      this.prime(name, rows);
      const byId = new Map(rows.map((row) => [(row as { id: string }).id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /**
   * A row by id, or null when it does not exist in the caller's organization. A row this request has
   * already read is returned as is, not wrapped in a promise: GraphQL completes it at once, which matters
   * for hundreds of references in one response (see `preload`).
   */
  byId<T extends Table>(name: T, id: string): Rows[T] | null | Promise<Rows[T] | null> {
    this.require(name);
    const row = this.known.get(name)?.get(id) as Rows[T] | undefined;
    return row ?? this.byIdLoader(name).load(id);
  }

  /** Reads the rows with these ids that this request has not read yet, all in one statement. */
  async preload(name: Table, ids: Iterable<string>): Promise<void> {
    this.require(name);
    const known = this.known.get(name);
    const missing = new Set<string>();
    for (const id of ids) if (!known?.has(id)) missing.add(id);
    if (missing.size > 0) await this.byIdLoader(name).loadMany([...missing]);
  }

  /**
   * Reads the rows these rows' foreign keys point at (a page's providers, say), one statement per
   * referenced table, so their reference fields resolve without a promise. A failure is ignored: the
   * reference fields load, and report, on their own.
   */
  async preloadReferences(rows: readonly unknown[], references: readonly Pick<ReferenceExtension, 'table' | 'column'>[]): Promise<void> {
    await Promise.all(
      references.map((reference) => {
        const ids: string[] = [];
        for (const row of rows) {
          const id = row && typeof row === 'object' ? (row as Record<string, unknown>)[reference.column] : undefined;
          if (typeof id === 'string') ids.push(id);
        }
        return this.preload(reference.table, ids).catch(() => undefined);
      }),
    );
  }

  private prime<T extends Table>(name: T, rows: Rows[T][]): void {
    let known = this.known.get(name);
    if (!known) this.known.set(name, (known = new Map()));
    for (const row of rows) known.set((row as { id: string }).id, row);
  }

  /** All children of a parent (short lists such as a bill's coding groups), in the given order. */
  childrenOf<T extends Table>(
    name: T,
    parentColumn: string,
    parentId: string,
    order: readonly SortKey[],
    references: readonly Pick<ReferenceExtension, 'table' | 'column'>[] = [],
  ): Promise<Rows[T][]> {
    this.require(name);
    const fullOrder = withTiebreaker(order);
    const key = `children:${name}:${parentColumn}:${JSON.stringify([fullOrder, references.map((r) => r.column)])}`;
    return this.loader<Rows[T][]>(key, async (ids) => {
      const rows = await this.query<Parented<Rows[T]>>(
        Prisma.sql`SELECT t.*, t.${Prisma.raw(`"${parentColumn}"`)} AS "__parent" FROM ${table(name)} t
          WHERE ${whereSql(this.organizationId, [{ op: 'in', column: parentColumn, values: ids }])}
          ORDER BY ${orderSql(fullOrder)}`,
      );
      this.prime(name, rows);
      if (references.length > 0) await this.preloadReferences(rows, references);
      return groupBy(ids, rows);
    }).load(parentId);
  }

  /** One page of a root list; `columns` (null: all) as `columnsFor` chose them for the query. */
  async page<T extends Table>(
    name: T,
    list: ListQuery,
    request: PageRequest,
    columns: readonly string[] | null = null,
    references: readonly Pick<ReferenceExtension, 'table' | 'column'>[] = [],
  ): Promise<Page<Rows[T]>> {
    this.require(name);
    const order = withTiebreaker(list.order);
    const conditions = [whereSql(this.organizationId, list.conditions)];
    if (request.cursor) conditions.push(keysetSql(name, this.organizationId, order, request.cursor, request.backward));
    const rows = await this.query<Rows[T]>(
      Prisma.sql`SELECT ${selectList(columns)} FROM ${table(name)} t WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY ${orderSql(order, request.backward)} LIMIT ${request.limit + 1}`,
    );
    if (!columns) this.prime(name, rows);
    const page = toPage(rows, request);
    if (references.length > 0) await this.preloadReferences(page.rows, references);
    return page;
  }

  async count(name: Table, list: Pick<ListQuery, 'conditions'>): Promise<number> {
    this.require(name);
    const [row] = await this.query<{ count: bigint | number }>(
      Prisma.sql`SELECT count(*) AS count FROM ${table(name)} t WHERE ${whereSql(this.organizationId, list.conditions)}`,
    );
    return Number(row?.count ?? 0);
  }

  /**
   * One page per parent, for all parents of a level in one statement: a LATERAL join runs the
   * keyset query once per parent id inside the database, each stopping at limit + 1 rows on the index.
   */
  pageOf<T extends Table>(
    name: T,
    parentColumn: string,
    parentId: string,
    list: ListQuery,
    request: PageRequest,
    columns: readonly string[] | null = null,
    references: readonly Pick<ReferenceExtension, 'table' | 'column'>[] = [],
    /**
     * What asks for these pages (the query's field node): everything else is the same for each of its
     * parents in one request, so the batch is found without building its key again for every parent.
     */
    asker?: object,
  ): Promise<Page<Rows[T]>> {
    this.require(name);
    const byAsker = asker ? this.pagesByAsker.get(asker) : undefined;
    const known = byAsker?.get(`${name}:${parentColumn}`) as DataLoader<string, Page<Rows[T]>> | undefined;
    if (known) return known.load(parentId);
    const order = withTiebreaker(list.order);
    const key = `pageOf:${name}:${parentColumn}:${JSON.stringify([list, request, columns, references.map((r) => r.column)])}`;
    const loader = this.loader<Page<Rows[T]>>(key, async (ids) => {
      const conditions = [
        whereSql(this.organizationId, list.conditions),
        Prisma.sql`t.${Prisma.raw(`"${parentColumn}"`)} = parent.id`,
      ];
      if (request.cursor) conditions.push(keysetSql(name, this.organizationId, order, request.cursor, request.backward));
      const rows = await this.query<Parented<Rows[T]>>(
        Prisma.sql`SELECT page.* FROM unnest(ARRAY[${Prisma.join(ids)}]::text[]) AS parent(id)
          CROSS JOIN LATERAL (
            SELECT ${selectList(columns)}, parent.id AS "__parent" FROM ${table(name)} t
            WHERE ${Prisma.join(conditions, ' AND ')}
            ORDER BY ${orderSql(order, request.backward)} LIMIT ${request.limit + 1}
          ) page`,
      );
      if (!columns) this.prime(name, rows);
      const pages = groupBy(ids, rows).map((group) => toPage(group, request));
      if (references.length > 0) await this.preloadReferences(pages.flatMap((page) => page.rows), references);
      return pages;
    });
    if (asker) {
      if (!this.pagesByAsker.has(asker)) this.pagesByAsker.set(asker, new Map());
      this.pagesByAsker.get(asker)!.set(`${name}:${parentColumn}`, loader as DataLoader<string, unknown>);
    }
    return loader.load(parentId);
  }

  countOf(name: Table, parentColumn: string, parentId: string, conditions: readonly Condition[]): Promise<number> {
    this.require(name);
    const key = `countOf:${name}:${parentColumn}:${JSON.stringify(conditions)}`;
    return this.loader<number>(key, async (ids) => {
      const rows = await this.query<{ parent: string; count: bigint | number }>(
        Prisma.sql`SELECT t.${Prisma.raw(`"${parentColumn}"`)} AS parent, count(*) AS count FROM ${table(name)} t
          WHERE ${whereSql(this.organizationId, [...conditions, { op: 'in', column: parentColumn, values: ids }])}
          GROUP BY 1`,
      );
      const counts = new Map(rows.map((row) => [row.parent, Number(row.count)]));
      return ids.map((id) => counts.get(id) ?? 0);
    }).load(parentId);
  }

  /** The diagnoses a line item points at, in the line item's pointer order. */
  linkedDiagnoses(lineItemId: string): Promise<Rows['Diagnosis'][]> {
    this.require('Diagnosis');
    return this.loader<Rows['Diagnosis'][]>('linkedDiagnoses', async (ids) => {
      const rows = await this.query<Parented<Rows['Diagnosis']>>(
        Prisma.sql`SELECT t.*, link."lineItemId" AS "__parent" FROM "LineItemDiagnosis" link
          JOIN "Diagnosis" t ON t."id" = link."diagnosisId" AND t."organizationId" = link."organizationId"
          WHERE link."organizationId" = ${this.organizationId} AND link."lineItemId" IN (${Prisma.join(ids)})
          ORDER BY link."position", t."id"`,
      );
      return groupBy(ids, rows);
    }).load(lineItemId);
  }
}
