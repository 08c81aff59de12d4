import { defineConfig } from '@playwright/test';
import { useScratchTmpdir } from './test/helpers/scratch-tmpdir';

/**
 * End-to-end tests drive the console in Debian's Chromium against serve mode (the Electron binary
 * cannot run here). The server starts on a fresh data dir with a known admin key.
 */
export const E2E_PORT = 4174;
export const E2E_ADMIN_KEY = 'tg_e2eadmin_0123456789abcdefghijklmnop';

// The server's data dirs and Chromium's profiles go to one scratch directory per run, removed by
// the global teardown (the config is read again in each worker; they reuse the runner's directory).
useScratchTmpdir('tollgate-e2e-run-');

export default defineConfig({
  globalTeardown: './test/e2e/global-teardown.ts',
  testDir: 'test/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: 'list',
  use: {
    actionTimeout: 15_000,
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `node scripts/e2e-server.js ${E2E_PORT}`,
    url: `http://127.0.0.1:${E2E_PORT}/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { TOLLGATE_ADMIN_KEY: E2E_ADMIN_KEY },
  },
});
