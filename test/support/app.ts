import type { ExecutionResult } from 'graphql';
import { demoSecret } from '../../src/auth/keys.js';
import type { Database } from '../../src/db/database.js';
import { createApp as createMarketplaceApp, createKey, installApp } from '../../src/marketplace/service.js';
import { createApp, type App } from '../../src/yoga.js';
import type { HardeningOptions } from '../../src/http/hardening.js';
import { openTestDatabase } from './database.js';

export interface GraphQLResponse<Data = Record<string, unknown>> extends ExecutionResult<Data> {
  status: number;
  headers: Headers;
}

export interface Caller {
  key?: string | null;
  org?: string | null;
  headers?: Record<string, string>;
  /** Another app over the same database (a schema built differently); the test server's own by default. */
  app?: App;
}

export interface TestServer {
  db: Database;
  app: App;
  /** The two demo clinics, by name order. */
  clinics: { id: string; name: string }[];
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphQLResponse<Data>>;
  /**
   * A fetch that calls the server in process as this caller (the demo key and first clinic unless told),
   * for GraphQL clients (Apollo, urql) to use as their transport.
   */
  fetchAs(caller?: Caller, app?: App): typeof fetch;
  /** A new app declaring `declared`, installed in the first clinic with `grant`, and a key holding `keyScopes`. */
  keyWith(options: { keyScopes: string[]; grant?: string[]; declared?: string[]; org?: string }): Promise<string>;
  close(): Promise<void>;
}

let appCounter = 0;

/** `db`: serve this database (closed with the server) instead of a fresh in-memory copy. */
export async function startTestServer(options: { hardening?: HardeningOptions; db?: Database } = {}): Promise<TestServer> {
  const db = options.db ?? (await openTestDatabase());
  const app = createApp({ db, hardening: options.hardening });
  const clinics = await db.prisma.organization.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
  const firstClinic = clinics[0]!.id;
  const server: TestServer = {
    db,
    app,
    clinics,
    async gql(query, variables, caller = {}) {
      const response = await server.fetchAs(caller)('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as ExecutionResult<any>;
      return { ...body, status: response.status, headers: response.headers };
    },
    fetchAs(caller = {}, served = caller.app ?? app) {
      return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        for (const [name, value] of Object.entries(caller.headers ?? {})) headers.set(name, value);
        const key = caller.key === undefined ? demoSecret : caller.key;
        const org = caller.org === undefined ? firstClinic : caller.org;
        if (key !== null) headers.set('authorization', `Bearer ${key}`);
        if (org !== null) headers.set('x-organization-id', org);
        const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
        return served.yoga.fetch(url, { ...init, headers });
      }) as typeof fetch;
    },
    async keyWith({ keyScopes, grant, declared, org }) {
      const slug = `test-app-${process.pid}-${++appCounter}`;
      const declaredScopes = declared ?? [...new Set([...keyScopes, ...(grant ?? [])])];
      await createMarketplaceApp(db.prisma, { slug, name: slug, scopes: declaredScopes.length ? declaredScopes : ['read:products'] });
      await installApp(db.prisma, { slug, organizationId: org ?? firstClinic, grant: grant ?? declaredScopes });
      return (await createKey(db.prisma, { slug, scopes: keyScopes })).secret;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
  return server;
}
