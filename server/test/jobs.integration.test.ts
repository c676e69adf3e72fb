/**
 * Pull jobs across a daemon restart, with the daemon run as users run it (its own process):
 * a pull that was running when the daemon died is listed afterwards as interrupted, with the
 * reason, and its event stream ends at once with that state. The registry is frozen
 * (SIGSTOP) meanwhile, so the pull is surely still running when the daemon goes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaunchJob, PullJob } from '@archdeck/shared';
import { startDaemon, testDaemonArgs } from './daemon.js';
import { podmanCli, testEnv } from './helper.js';
import { copyTag } from './registry-push.js';

const env = testEnv();
let dataDir: string;

const registryPid = async () =>
  Number((await readFile(`${process.env.ARCHDECK_TESTENV_DIR}/registry.pid`, 'utf8')).trim());

const daemonArgs = () => testDaemonArgs(dataDir);

/** Waits until the daemon's job record `file` holds job `id`; answers with the record's path. */
async function recorded(file: string, id: string): Promise<string> {
  const record = join(dataDir, 'jobs', file);
  await expect
    .poll(() =>
      readFile(record, 'utf8').then(
        (t) => t.includes(id),
        () => false,
      ),
    )
    .toBe(true);
  return record;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'archdeck-jobs-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Starts a pull while the registry does not answer; returns it still running. */
async function pullWhileFrozen(
  api: (p: string, i?: RequestInit) => Promise<Response>,
  platform: string,
) {
  const res = await api('/api/pulls', {
    method: 'POST',
    body: JSON.stringify({ ref: env.image, platform }),
  });
  expect(res.status).toBe(202);
  const job = (await res.json()) as PullJob;
  expect(job.state).toBe('running');
  return job;
}

describe('a daemon restart during a pull', () => {
  // One platform each: podman finishes the first pull on its own once the registry thaws.
  it.each([
    ['killed (SIGKILL)', 'SIGKILL', 'linux/ppc64le'],
    ['stopped (SIGTERM)', 'SIGTERM', 'linux/s390x'],
  ] as const)(
    'lists the pull as interrupted when the daemon was %s',
    async (_how, signal, platform) => {
      const first = await startDaemon(daemonArgs());
      const registry = await registryPid();
      process.kill(registry, 'SIGSTOP');
      let job: PullJob;
      try {
        job = await pullWhileFrozen(first.api, platform);
        // The daemon records the job just after it answers (whole, flushed to disk): it dies
        // once the record holds it. The record is the daemon's, no one else's.
        const record = await recorded('pulls.json', job.id);
        expect((await stat(record)).mode & 0o777).toBe(0o600);
        first.proc.kill(signal);
        await first.stop();
      } finally {
        process.kill(registry, 'SIGCONT');
        // Gone already when all went well; not left running when something failed.
        await first.stop();
      }

      const second = await startDaemon(daemonArgs());
      try {
        const listed = (await (await second.api('/api/pulls')).json()) as PullJob[];
        const again = listed.find((j) => j.id === job.id);
        expect(again).toMatchObject({
          ref: job.ref,
          platform,
          state: 'interrupted',
          error: expect.stringMatching(/archdeck stopped.*retry/),
        });
        expect(again?.finishedAt).not.toBeNull();
        // Its stream ends at once, with that state: a page that follows it is not left hanging.
        const events = await second.api(`/api/pulls/${job.id}/events`);
        const text = await events.text();
        expect(text).toMatch(/event: end\ndata: .*"state":"interrupted"/);
      } finally {
        await second.stop();
      }
    },
  );
});

describe('a daemon restart during a launch (a run whose image is being pulled)', () => {
  it('lists the launch as interrupted, its pull too, with the request to retry', async () => {
    const image = await copyTag(env.image, `jobs-launch-${process.pid}`);
    const first = await startDaemon(daemonArgs());
    const registry = await registryPid();
    process.kill(registry, 'SIGSTOP');
    let launch: LaunchJob;
    try {
      const res = await first.api('/api/containers', {
        method: 'POST',
        body: JSON.stringify({ image, platform: 'linux/arm64', cmd: ['true'] }),
      });
      expect(res.status).toBe(202);
      launch = (await res.json()) as LaunchJob;
      await recorded('launches.json', launch.id);
      first.proc.kill('SIGKILL');
      await first.stop();
    } finally {
      process.kill(registry, 'SIGCONT');
      await first.stop();
    }

    const second = await startDaemon(daemonArgs());
    try {
      const listed = (await (await second.api('/api/launches')).json()) as LaunchJob[];
      expect(listed.find((j) => j.id === launch.id)).toMatchObject({
        state: 'interrupted',
        error: expect.stringMatching(/archdeck stopped.*retry/),
        request: { image, platform: 'linux/arm64', cmd: ['true'] },
        containerId: null,
        pull: { state: 'interrupted' },
      });
      const text = await (await second.api(`/api/launches/${launch.id}/events`)).text();
      expect(text).toMatch(/event: end\ndata: .*"state":"interrupted"/);
    } finally {
      await second.stop();
      // podman finishes that pull by itself once the registry thaws: nothing of it stays.
      for (const ref of [image, `${image}-arm64`])
        await podmanCli('rmi', ref).catch(() => undefined);
    }
  });
});
