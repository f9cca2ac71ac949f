import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../src/db/migrate.js';
import { demoAppSlug } from '../src/demo/seed.js';
import { browserTestsRun, chromiumArgs, chromiumPath } from './support/chromium.js';
import { ServerProcess } from './support/server-process.js';

/**
 * GraphiQL as a developer meets it: the real server process, a real (headless) Chromium, the page's
 * own scripts, and the demo headers the server pre-fills. No network beyond the server: GraphiQL's
 * assets are served inline. Skipped with a message where Chromium is missing; CI fails instead.
 */
const screenshotPath = path.join(projectRoot, 'test-results', 'graphiql-me.png');

const server = new ServerProcess();
let browser: Browser | undefined;

describe.runIf(browserTestsRun())('GraphiQL in a real browser', () => {
  beforeAll(async () => {
    await server.start();
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server.stop();
  }, 60_000);

  it('runs `me` with the demo headers it is pre-filled with, and shows the answer', async () => {
    // The demo banner, for a person, is on stderr (stdout is JSON log lines).
    const organization = /X-Organization-Id: (org_\w+)/.exec(server.stderr)?.[1];
    expect(organization, server.output).toBeTruthy();

    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const outside: string[] = [];
    page.on('request', (request) => {
      const requested = new URL(request.url());
      if (!['blob:', 'data:'].includes(requested.protocol) && requested.host !== new URL(server.url).host) outside.push(request.url());
    });

    await page.goto(`${server.url}/graphql`, { waitUntil: 'load', timeout: 90_000 });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 90_000 });
    // The headers editor holds the demo key and clinic the server printed.
    await page.waitForFunction((org) => document.body.innerText.includes(org), organization!, { timeout: 30_000 });

    await page.click('.graphiql-execute-button');
    const response = page.locator('.graphiql-response');
    await response.getByText(`"${demoAppSlug}"`).waitFor({ timeout: 60_000 });
    const shown = (await response.textContent())!.replace(/\s+/g, ' ');
    expect(shown).toContain(`"slug": "${demoAppSlug}"`);
    expect(shown).toContain(`"id": "${organization}"`);
    expect(shown).not.toContain('"errors"');

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    expect(outside, 'GraphiQL must load nothing from outside the server').toEqual([]);
  }, 180_000);
});
