import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two runs on one machine (say, two checkouts) stay out of each other's way.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

// Debian's Chromium when present (CI installs it); otherwise the browser `playwright install` fetched.
const launchOptions = {
  executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
  // Without the background-networking flags Chromium floods a closed network.
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

const inheritedEnv = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
);

/** Run through `npm run test:e2e`: it builds, provisions a throwaway database and Redis prefix, then calls Playwright. */
export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: { baseURL, trace: 'retain-on-failure', launchOptions },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions } }],
  webServer: {
    command: 'node dist/server.mjs',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { ...inheritedEnv, PORT: String(port), HOST: '127.0.0.1', APP_URL: baseURL, NODE_ENV: 'production' },
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM lets server.ts close its sockets and pool before the run's database is dropped.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
