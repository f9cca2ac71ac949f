import pg from 'pg';
import { readFile } from 'node:fs/promises';
import { prepareBenchDatabase } from './bench/database.js';
const bench = await prepareBenchDatabase(() => {});
const client = new pg.Client({ connectionString: bench.url }); await client.connect();
const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
const cpu = async () => { const s = await readFile(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const org = bench.organizationId;
const variants: Record<string, string> = JSON.parse(await readFile('/tmp/exp/variants.json', 'utf8'));
for (const [name, sql] of Object.entries(variants)) {
  const q = { name, text: sql, values: [org] };
  for (let i = 0; i < 10; i++) await client.query(q);
  const b = await cpu(); const n = 200;
  for (let i = 0; i < n; i++) await client.query(q);
  console.log(name.padEnd(30), (((await cpu()) - b) / n).toFixed(2), 'ms', (await client.query(q)).rows[0].data?.length);
}
await client.end();
