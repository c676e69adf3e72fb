import { defineConfig } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_BASE_URL, E2E_DATA_DIR, E2E_PORT } from './fixtures/daemon';

const socket = process.env.ARCHDECK_TEST_PODMAN_SOCKET;
if (!socket) {
  throw new Error(
    'The test environment is not up: run `npm test` (or scripts/testenv.sh up and source its env).',
  );
}

// The presets the daemon starts with (its data dir is new each run, so they seed it): the
// loopback registry, since no public registry is reachable here.
const presets = join(tmpdir(), 'archdeck-e2e-presets.json');
writeFileSync(
  presets,
  JSON.stringify([
    {
      id: 'busybox',
      title: 'BusyBox',
      image: process.env.ARCHDECK_TEST_IMAGE,
      description: 'loopback busybox',
      cmd: ['sh', '-c', 'echo "running on $(uname -m)"; sleep 600'],
    },
    {
      id: 'busybox-shell',
      title: 'BusyBox shell',
      image: process.env.ARCHDECK_TEST_IMAGE,
      description: 'an interactive shell',
      cmd: ['sh'],
      tty: true,
    },
  ]),
);

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright cannot download its own browser on these machines.
      executablePath: process.env.ARCHDECK_CHROMIUM ?? '/usr/bin/chromium',
      // Without these, Chromium stalls reaching Google's services on a closed network.
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
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node ../server/bin/archdeck.js --port ${E2E_PORT} --data-dir ${E2E_DATA_DIR} --podman-socket ${socket} --registries-conf ${process.env.ARCHDECK_TEST_REGISTRIES_CONF} --presets ${presets} --log-level warn`,
    url: `${E2E_BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
