import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Usage errors stop before any database is opened: no server or data directory is needed. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  const writes = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'clinicgraph', ...args]);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    writes.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

describe('CLI usage', () => {
  it('--version prints the package version', async () => {
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: expect.stringContaining(version) });
  });

  it('names an unknown flag, even when a required one is then missing', async () => {
    const typo = await cli('orgs', 'create', '--nmae', 'Northside');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option '--nmae'");
    expect(typo.stderr).toContain('Did you mean --name?');
    expect(typo.stderr).not.toContain('required option');
    expect((await cli('orgs', 'create')).stderr).toContain("required option '--name <name>' not specified");
  });

  it('under --json, usage errors are one JSON object on stderr, wherever --json stands', async () => {
    for (const args of [
      ['--json', 'orgs', 'create', '--nmae', 'X'],
      ['orgs', 'create', '--nmae', 'X', '--json'],
    ]) {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stderr)).toEqual({ error: "unknown option '--nmae' (Did you mean --name?)", code: 'usage.unknownOption' });
    }
    expect(JSON.parse((await cli('--json', 'keys', 'frob')).stderr)).toMatchObject({ code: 'usage.unknownCommand' });
    expect(JSON.parse((await cli('--json', 'keys', 'create')).stderr)).toMatchObject({
      code: 'usage.missingMandatoryOptionValue',
      error: expect.stringContaining('--app'),
    });
  });
});
