/**
 * Builds the real app for tests. `inject()` requests go through every hook, so Host, Origin
 * and credentials are exercised as a browser would send them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import Docker from 'dockerode';
import type { FastifyInstance } from 'fastify';
import type { InjectOptions, LightMyRequestResponse as Response } from 'fastify';
import type { ContainerSummary, LaunchJob, PullJob, RunRequest } from '@archdeck/shared';
import { loadConfig, type Config } from '../src/config.js';
import { buildServer, type BuildOptions } from '../src/server.js';
import { testEnv } from './test-env.js';

export const PORT = 8420;
export const HOST = `127.0.0.1:${PORT}`;
export const ORIGIN = `http://${HOST}`;

/** The hermetic services `scripts/testenv.sh up` started; integration tests need them. */
export { testEnv };

/** The Host the daemon answers to: its listening port once it listens, else the configured one. */
function hostOf(app: FastifyInstance): string {
  const address = app.server.address();
  return address && typeof address === 'object' ? `127.0.0.1:${address.port}` : HOST;
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  token: string;
  /** inject() with the right Host and the Bearer token. */
  api(opts: InjectOptions): Promise<Response>;
}

/** Waits for a daemon job (`path` is its kind's, e.g. /api/pulls) to end, however it ends. */
export async function jobToEnd<J extends { id: string; state: string }>(
  t: TestApp,
  path: string,
  job: J,
): Promise<J> {
  let current = job;
  await expect
    .poll(
      async () => {
        current = (await t.api({ url: `${path}/${job.id}` })).json() as J;
        return current.state;
      },
      { timeout: 60_000, interval: 200 },
    )
    .not.toBe('running');
  return current;
}

/** Pulls through the daemon (202) and waits for the job to end, however it ends. */
export async function pullToEnd(t: TestApp, ref: string, platform: string): Promise<PullJob> {
  const res = await t.api({ method: 'POST', url: '/api/pulls', payload: { ref, platform } });
  expect(res.statusCode, res.body).toBe(202);
  return jobToEnd(t, '/api/pulls', res.json() as PullJob);
}

/** Waits for a launch (POST /api/containers answered 202) to end, however it ends. */
export const launchToEnd = (t: TestApp, launch: LaunchJob) => jobToEnd(t, '/api/launches', launch);

/**
 * Runs an image through the daemon as the UI and the CLI do: a 201 is the started container; a
 * 202 is a launch (the image is pulled first), followed to its end, which must be a success.
 * Answers with the container as GET /api/containers/:id shows it then.
 */
export async function startContainer(
  t: TestApp,
  payload: RunRequest,
  headers: Record<string, string> = {},
): Promise<ContainerSummary> {
  const res = await t.api({ method: 'POST', url: '/api/containers', payload, headers });
  if (res.statusCode === 201) return res.json() as ContainerSummary;
  expect(res.statusCode, res.body).toBe(202);
  const launch = await launchToEnd(t, res.json() as LaunchJob);
  expect(launch.state, launch.error ?? '').toBe('succeeded');
  const c = await t.api({ url: `/api/containers/${launch.containerId}`, headers });
  expect(c.statusCode, c.body).toBe(200);
  return c.json() as ContainerSummary;
}

/** Runs a container through the daemon, expects it to exit 0, and removes it. */
export async function runToExit(t: TestApp, payload: RunRequest): Promise<void> {
  const { id } = await startContainer(t, payload);
  await expect
    .poll(async () => (await t.api({ url: `/api/containers/${id}` })).json(), { timeout: 60_000 })
    .toMatchObject({ state: 'exited', exitCode: 0 });
  await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
}

export async function buildTestApp(
  overrides: Partial<Config> = {},
  env: NodeJS.ProcessEnv = process.env,
  options: BuildOptions = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'archdeck-test-'));
  const base = loadConfig(
    ['--data-dir', dataDir, '--port', String(PORT), '--log-level', 'warn'],
    env,
  );
  if (base === 'help') throw new Error('unreachable');
  const config: Config = { ...base, ...overrides };
  const app = await buildServer(config, options);
  // A data dir given by the test is the test's to remove (a second daemon may share it).
  app.addHook('onClose', () => rm(dataDir, { recursive: true, force: true }));
  await app.ready();
  const token = (await readFile(join(config.dataDir, 'token'), 'utf8')).trim();
  return {
    app,
    config,
    token,
    api: (opts) =>
      app.inject({
        ...opts,
        headers: { host: hostOf(app), authorization: `Bearer ${token}`, ...opts.headers },
      }),
  };
}

/** The podman CLI on the test environment's private storage, as a user would run it. */
export function podmanCli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = testEnv();
  return promisify(execFile)('podman', ['--root', env.root, '--runroot', env.runroot, ...args], {
    env: {
      ...process.env,
      CONTAINERS_CONF: env.containersConf,
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      CONTAINERS_STORAGE_CONF: process.env.ARCHDECK_TEST_STORAGE_CONF,
      // The test environment's own temporary directory: builds stage their layers there.
      TMPDIR: join(process.env.ARCHDECK_TESTENV_DIR!, 'tmp'),
    },
  });
}

/**
 * A podman client of the test's own, on the test podman (compat API): for setting things up
 * and checking them beside the daemon, as another client would. Never the daemon's engine.
 */
export const podmanClient = () => new Docker({ socketPath: testEnv().socket, version: 'v1.41' });
