import { defineConfig } from '@playwright/test';

const PORTAL_URL = process.env.PORTAL_URL ?? 'http://localhost:3000';

/**
 * Browser tests against the running portal, in Debian's Chromium (no browser download). They start
 * the portal in demo mode (`./run demo`), or reuse one that is already running on :3000.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  // Most tests open a function's page, and the first visit after a start waits for the catalog to
  // link the functions to their entities (support.ts, waitUntilLinked); creating a function
  // publishes, validates and registers. Both take minutes on a slow, shared machine.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/playwright',
  webServer: {
    // Demo mode: the portal plus the demo cluster the function health tests assert on
    // (functions.test.ts); it includes everything './run start' starts.
    command: './run demo',
    url: PORTAL_URL,
    reuseExistingServer: true,
    // A cold webpack build of the app takes a minute or two on a 2-core machine.
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // Playwright SIGKILLs the server's process group unless told otherwise
    // (node_modules/playwright/types/test.d.ts:11113-11118, 1.64.1), which leaves the demo
    // cluster's and the local git server's temporary folders behind; SIGTERM lets them stop.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
  use: {
    baseURL: PORTAL_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Chromium must not reach for Google's services from this closed network, and runs as root
      // in CI, which needs --no-sandbox.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
