import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import codegenConfig from '../codegen.js';
import { projectRoot } from '../src/db/migrate.js';
import { scopeOfType } from '../src/scopes.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let http: Server;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  http = createServer(server.app.yoga);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await server.close();
});

/** The app's own codegen configuration (codegen.ts), pointed at another schema source. */
async function generated(schema: Types.Config['schema']): Promise<string> {
  const [output] = await generate({ ...codegenConfig, schema, cwd: projectRoot, silent: true }, false);
  return output!.content;
}

it('codegen against live introspection with a one-scope key generates the same types as against schema.graphql', async () => {
  const productsOnly = await server.keyWith({ keyScopes: [scopeOfType.Product] });
  const live = await generated([{ [url]: { headers: { authorization: `Bearer ${productsOnly}`, 'x-organization-id': server.clinics[0]!.id } } }]);
  const committed = await generated(path.join(projectRoot, 'schema.graphql'));
  // The operations file selects patients, appointments and bills: types a products key cannot read.
  expect(committed).toContain('patients');
  expect(live).toBe(committed);
  // What a filtered introspection did to codegen (and still does when the per-key view is asked for).
  const scoped = { authorization: `Bearer ${productsOnly}`, 'x-organization-id': server.clinics[0]!.id, 'x-schema-view': 'scoped' };
  await expect(generated([{ [url]: { headers: scoped } }])).rejects.toThrow(/patients/);
}, 60_000);
