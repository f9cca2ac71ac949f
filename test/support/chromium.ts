import { existsSync } from 'node:fs';

/**
 * Where Debian's Chromium is, and whether browser tests must run. On a developer's fresh machine
 * without Chromium the browser tests are skipped with a message saying how to run them; in CI
 * (CI=true, or REQUIRE_BROWSER=1) a missing browser fails the run instead of skipping it.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(chromiumPath);
export const browserRequired = process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1';

export const chromiumMissing =
  `No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH. ` +
  'Browser tests are skipped on this machine; CI (CI=true or REQUIRE_BROWSER=1) installs Chromium and fails without it.';

/** Whether this file's browser tests run here; warns once when they are skipped. */
export function browserTestsRun(): boolean {
  if (chromiumAvailable) return true;
  if (browserRequired) throw new Error(chromiumMissing);
  console.warn(chromiumMissing);
  return false;
}

/** Chromium's flags on these machines: headless, and none of its background calls to the outside. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
