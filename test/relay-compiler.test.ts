import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const compiler = path.join(root, 'node_modules/relay-compiler/cli.js');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-relay-'));
  await cp(path.join(root, 'test/clients/relay'), path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, '__generated__'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function compile(schema: string) {
  const config = path.join(dir, 'relay.config.json');
  await writeFile(config, JSON.stringify({ src: './src', schema, language: 'typescript', artifactDirectory: './__generated__' }));
  return promisify(execFile)(process.execPath, [compiler, config], { cwd: dir }).then(
    (result) => ({ code: 0, output: result.stdout + result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe('the Relay compiler (relay-compiler, its own binary) over schema.graphql', () => {
  it('compiles connections, refetchable fragments, node and backward pages', async () => {
    const result = await compile(path.join(root, 'schema.graphql'));
    expect(result.code, result.output).toBe(0);
    const artifacts = await readdir(path.join(dir, '__generated__'));
    expect(artifacts).toEqual(
      expect.arrayContaining([
        'clinicRelayPatientsQuery.graphql.ts',
        'clinicRelayPatientsPaginationQuery.graphql.ts',
        'clinicRelayPatientRefetchQuery.graphql.ts',
        'clinicRelay_patient.graphql.ts',
        'clinicRelayBillQuery.graphql.ts',
        'clinicRelayScheduleQuery.graphql.ts',
      ]),
    );
  });

  it('fails on a document the schema does not serve (the check can fail)', async () => {
    await writeFile(path.join(dir, 'src/clinicRelayBroken.ts'), 'const graphql = String.raw;\nexport const q = graphql`query clinicRelayBrokenQuery { patients { shoeSize } }`;\n');
    const result = await compile(path.join(root, 'schema.graphql'));
    await rm(path.join(dir, 'src/clinicRelayBroken.ts'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('shoeSize');
  });
});
