import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The checkout's root: the nearest directory up from this module holding package.json. The module runs
 * from src/ (tsx: tests, the CLI) and from the bundle in dist/ (`npm start`), at different depths.
 */
export const projectRoot = (() => {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${import.meta.dirname}.`);
  }
})();
