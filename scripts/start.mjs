/**
 * `npm start`: the server from src/ bundled into ES modules under dist/, rebuilt first when a source is newer.
 *
 * Why not tsx, as in development: tsx transpiles the ~190 modules of src/ through a loader hook at every
 * start, and the hook then sits in front of every import of node_modules too (`npm run bench:startup`
 * compares the two). Packages stay external, loaded from node_modules as they ship. Plain JavaScript,
 * because it runs before anything can compile TypeScript.
 *
 * Each build goes to a directory named after its inputs' newest modification time, written under a
 * temporary name and renamed into place: servers starting together (tests, a restart) never read a
 * half-written build, and a running server's lazily loaded chunks are never deleted under it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleOptions } from './bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
/** Builds kept besides the current one: servers still running may load chunks from them. */
const keptBuilds = 3;

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

// A pulled change to the Prisma schema leaves the generated client (not committed) behind it: regenerate
// it, as `npm ci` would, rather than fail to bundle.
if (mtime(path.join(root, 'prisma/schema.prisma')) > mtime(path.join(root, 'src/generated/prisma/client.ts'))) {
  execFileSync(path.join(root, 'node_modules/.bin/prisma'), ['generate'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const inputs = Math.max(
  newestIn(path.join(root, 'src')),
  ...['package-lock.json', 'tsconfig.json', 'scripts/start.mjs', 'scripts/bundle.mjs'].map((file) => statSync(path.join(root, file)).mtimeMs),
);
const build = path.join(dist, `build-${Math.floor(inputs)}`);
const entry = path.join(build, 'server.js');

if (!mtime(entry)) {
  const { build: bundle } = await import('esbuild');
  const scratch = `${build}.${process.pid}.tmp`;
  // esbuild has already printed each error with its source line; its stack trace would add nothing.
  await bundle({ ...bundleOptions, entryPoints: [path.join(root, 'src/server.ts')], outdir: scratch, entryNames: '[name]' }).catch(() => {
    rmSync(scratch, { recursive: true, force: true });
    console.error('clinicgraph cannot start: src/ does not build (the errors above); `npm run typecheck` says more.');
    process.exit(1);
  });
  try {
    renameSync(scratch, build);
  } catch {
    // Another start built the same inputs first: use its build.
    rmSync(scratch, { recursive: true, force: true });
  }
  const older = readdirSync(dist)
    .filter((name) => /^build-\d+$/.test(name) && path.join(dist, name) !== build)
    .sort((a, b) => Number(b.slice(6)) - Number(a.slice(6)));
  for (const name of older.slice(keptBuilds)) rmSync(path.join(dist, name), { recursive: true, force: true });
}
// Stack traces in the logs name src/ lines, not the bundle's.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(entry).href);
