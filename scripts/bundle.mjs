/**
 * How src/ is bundled for `npm start` (scripts/start.mjs), and how the benchmark bundles its Node
 * peers, so a peer runs as the server does. Plain JavaScript: it runs before anything can compile TypeScript.
 */
export const bundleOptions = {
  bundle: true,
  // What is imported dynamically (the generator, the app while the database opens) stays a chunk of
  // its own, loaded when asked: one bundle would hoist every package's import to its top.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Packages load from node_modules as they ship.
  packages: 'external',
  sourcemap: 'linked',
  // Node holds every loaded map in memory while the process runs; stack traces need only the
  // mappings, and the sources they name are src/ itself.
  sourcesContent: false,
  logLevel: 'warning',
};
