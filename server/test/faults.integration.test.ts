/**
 * Faults injected on the real parts, and what the user must see. podman is a service the
 * daemon manages itself (the user's path on a fresh host: started, and started again after it
 * dies), on storage of this file's own, so it can be killed without disturbing other tests.
 *
 * - podman killed mid log stream: from the file, the stream goes on with no line lost; through
 *   podman's API, it ends saying podman stopped;
 * - podman killed mid pull: the pull is interrupted (never succeeded), and a retry succeeds
 *   once the daemon has podman back;
 * - podman killed mid run: the run answers 503 at once, not a hang;
 * - /api/events says podman went down, then up;
 * - the registry gone mid pull; podman's storage full (ENOSPC); binfmt_misc switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerSummary, Health, LaunchJob, LogLine, PullJob } from '@archdeck/shared';
import { lockBinfmt, PROC } from './binfmt-state.js';
import { buildTestApp, launchToEnd, startContainer, testEnv, type TestApp } from './helper.js';
import { startThrottledProxy } from './throttle-proxy.js';
import { readSse } from '../src/lib/sse-read.js';

const sseEvents = (res: Response) => readSse(res.body as unknown as AsyncIterable<Uint8Array>);

const run = promisify(execFile);
const env = testEnv();
const cleanups: Array<() => Promise<unknown>> = [];

/** A daemon with a managed podman on storage of its own (`storageRoot`, if given). */
async function managedDaemon(storageRoot?: string): Promise<{ t: TestApp; base: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-faults-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const storageConf = join(dir, 'storage.conf');
  // vfs: nothing is mounted, so the storage is removed with the directory.
  await writeFile(
    storageConf,
    `[storage]\ndriver = "vfs"\ngraphroot = "${storageRoot ?? join(dir, 'root')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  const t = await buildTestApp(
    {
      podmanSocket: null,
      podmanCandidates: [join(dir, 'absent.sock')],
      registriesConf: env.registriesConf,
    },
    {
      ...process.env,
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
    },
  );
  cleanups.push(() => t.app.close());
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  await t.app.engine.settled();
  expect(t.app.engine.reachable).toBe(true);
  await t.app.containerCheck.idle();
  return { t, base: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` };
}

/** The pid of the podman service a daemon manages (its socket is in the daemon's data dir). */
async function podmanPid(t: TestApp): Promise<number> {
  const socket = join(t.config.dataDir, 'podman', 'podman.sock');
  const { stdout } = await run('pgrep', ['-f', `system service --time=0 unix://${socket}`]);
  return Number(stdout.trim().split('\n')[0]);
}

const health = async (t: TestApp) => (await t.api({ url: '/api/health' })).json() as Health;

/** Kills the daemon's podman and waits until the daemon has started it again. */
async function killPodman(t: TestApp): Promise<void> {
  const pid = await podmanPid(t);
  process.kill(pid, 'SIGKILL');
  await expect
    .poll(
      async () =>
        (await health(t)).podman.reachable && (await podmanPid(t).catch(() => pid)) !== pid,
      {
        timeout: 30_000,
        interval: 200,
      },
    )
    .toBe(true);
}

async function runCounter(t: TestApp, name: string): Promise<ContainerSummary> {
  return startContainer(t, {
    image: env.image,
    platform: 'linux/amd64',
    name,
    cmd: ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo $i; sleep 0.02; done'],
  });
}

let daemon: { t: TestApp; base: string };

beforeAll(async () => {
  daemon = await managedDaemon();
});

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('podman killed', () => {
  it('mid log stream from the file: the stream goes on without a gap', async () => {
    const { t, base } = daemon;
    const c = await runCounter(t, `archdeck-faults-file-${process.pid}`);
    const res = await fetch(`${base}/api/containers/${c.id}/logs?follow=true`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    const lines: string[] = [];
    let ended: unknown = null;
    let killed = false;
    for await (const e of sseEvents(res)) {
      if (e.event === 'lines')
        lines.push(...(e.data as { lines: LogLine[] }).lines.map((l) => l.t));
      if (e.event === 'end' || e.event === 'failed') {
        ended = e;
        break;
      }
      if (!killed && lines.length >= 50) {
        killed = true;
        await killPodman(t);
      }
    }
    expect(killed).toBe(true);
    expect(ended).toMatchObject({ event: 'end', data: { exitCode: 0 } });
    expect(lines).toEqual(Array.from({ length: 400 }, (_, i) => String(i + 1)));
  });

  it("mid log stream through podman's API: the stream ends saying podman stopped", async () => {
    const { t, base } = daemon;
    const c = await runCounter(t, `archdeck-faults-api-${process.pid}`);
    const res = await fetch(`${base}/api/containers/${c.id}/logs?follow=true&timestamps=true`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    const lines: string[] = [];
    let last: { event: string; data: unknown } | null = null;
    let killed = false;
    for await (const e of sseEvents(res)) {
      last = e;
      if (e.event === 'lines') {
        // Each line is podman's timestamp, a space, then the text.
        lines.push(...(e.data as { lines: LogLine[] }).lines.map((l) => l.t.replace(/^\S+ /, '')));
        if (!killed && lines.length >= 50) {
          killed = true;
          process.kill(await podmanPid(t), 'SIGKILL');
        }
      }
      if (e.event === 'end' || e.event === 'failed') break;
    }
    expect(last).toMatchObject({ event: 'failed', data: { code: 'podman_stopped' } });
    expect((last!.data as { message: string }).message).toMatch(
      /podman stopped while this log was streaming/,
    );
    // What came before the end is a faithful prefix of the log.
    expect(lines).toEqual(Array.from({ length: lines.length }, (_, i) => String(i + 1)));
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 30_000 })
      .toBe(true);
  });

  it('mid pull: the pull is interrupted, never succeeded; retried once podman is back, it succeeds', async () => {
    const { t } = daemon;
    const slow = await startThrottledProxy({
      listen: process.env.ARCHDECK_TEST_SPARE_REGISTRY!,
      upstream: env.registry,
      bytesPerTick: 4096,
    });
    cleanups.push(() => slow.close());
    const ref = `${process.env.ARCHDECK_TEST_SPARE_REGISTRY}/library/busybox:1.36`;
    const start = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref, platform: 'linux/ppc64le' },
    });
    expect(start.statusCode).toBe(202);
    const job = start.json() as PullJob;
    const get = async () => (await t.api({ url: `/api/pulls/${job.id}` })).json() as PullJob;
    // Under way: podman is fetching its layers (podman 4.3 reports their bytes only at the end).
    await expect
      .poll(async () => (await get()).layers.length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    process.kill(await podmanPid(t), 'SIGKILL');
    await expect.poll(async () => (await get()).state, { timeout: 30_000 }).toBe('interrupted');
    expect((await get()).error).toMatch(/podman stopped during the pull: retry it/);
    await slow.close();

    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 30_000 })
      .toBe(true);
    const again = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: env.image, platform: 'linux/ppc64le' },
    });
    const retried = again.json() as PullJob;
    await expect
      .poll(
        async () => ((await t.api({ url: `/api/pulls/${retried.id}` })).json() as PullJob).state,
        {
          timeout: 60_000,
        },
      )
      .toBe('succeeded');
  });

  it('mid run: the run answers at once that podman stopped, and /api/events says down, then up', async () => {
    const { t, base } = daemon;
    const events = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    const seen: Array<{ event: string; data: unknown }> = [];
    const reading = (async () => {
      for await (const e of sseEvents(events)) {
        seen.push(e);
        if (e.event === 'podman' && (e.data as { podman: boolean }).podman) return;
      }
    })();
    const pid = await podmanPid(t);
    // podman takes the create and never answers; then it dies.
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    const running = t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: env.image, platform: 'linux/amd64', cmd: ['true'] },
    });
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, 'SIGKILL');
    const res = await running;
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toMatchObject({ code: 'podman_unavailable' });
    expect(res.json().message).toMatch(/podman (stopped answering|is not reachable)/);
    expect(Date.now() - started).toBeLessThan(10_000);

    await reading;
    const states = seen
      .filter((e) => e.event === 'podman')
      .map((e) => (e.data as { podman: boolean }).podman);
    expect(states).toEqual([false, true]);
    expect(seen.at(-1)?.event).toBe('podman');
    await events.body?.cancel();
  });
});

describe('the registry gone mid pull', () => {
  it('ends the pull failed or interrupted, with the registry named; never succeeded', async () => {
    const { t } = daemon;
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 30_000 })
      .toBe(true);
    const spare = process.env.ARCHDECK_TEST_SPARE_REGISTRY!;
    const slow = await startThrottledProxy({
      listen: spare,
      upstream: env.registry,
      bytesPerTick: 4096,
    });
    cleanups.push(() => slow.close());
    const ref = `${spare}/library/busybox:1.36`;
    const start = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref, platform: 'linux/s390x' },
    });
    const job = start.json() as PullJob;
    const get = async () => (await t.api({ url: `/api/pulls/${job.id}` })).json() as PullJob;
    await expect
      .poll(async () => (await get()).layers.length, { timeout: 30_000 })
      .toBeGreaterThan(0)
      .catch(async (err: unknown) => {
        throw new Error(`${(err as Error).message}: ${JSON.stringify(await get())}`);
      });
    await slow.close();
    await expect
      .poll(async () => (await get()).state, { timeout: 60_000 })
      .toMatch(/^(failed|interrupted)$/);
    const final = await get();
    expect(final.error).toContain(spare);
    expect(final.imageId).toBeNull();
  });
});

describe("podman's storage full", () => {
  it('fails the pull with the disk named and the fix', async () => {
    const mnt = await mkdtemp(join(tmpdir(), 'archdeck-enospc-'));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]);
    cleanups.push(async () => {
      await run('umount', ['-l', mnt]).catch(() => undefined);
      await rm(mnt, { recursive: true, force: true });
    });
    const { t } = await managedDaemon(mnt);
    const start = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: env.image, platform: 'linux/arm64' },
    });
    const job = start.json() as PullJob;
    let final = job;
    await expect
      .poll(
        async () => {
          final = (await t.api({ url: `/api/pulls/${job.id}` })).json() as PullJob;
          return final.state;
        },
        { timeout: 60_000 },
      )
      .toBe('failed');
    expect(final.error).toMatch(/no space left on device/);
    expect(final.error).toMatch(/is full: free space there/);
  });
});

describe('binfmt_misc switched off', () => {
  it('says so on the Host page and in the failed container, with the fix; restored after', async () => {
    const { t } = daemon;
    const release = await lockBinfmt();
    const status = join(PROC, 'status');
    let id: string;
    try {
      await writeFile(status, '0');
      await expect
        .poll(async () => (await health(t)).problems.map((p) => p.id))
        .toContain('binfmt-disabled');
      const res = await t.api({
        method: 'POST',
        url: '/api/containers',
        payload: { image: env.image, platform: 'linux/arm64', cmd: ['uname', '-m'] },
      });
      // This daemon's storage is its own: the image is pulled first (a launch). The start may
      // be refused by runc, or the container may exit 1: either way it failed, and exists.
      expect(res.statusCode, res.body).toBe(202);
      id = (await launchToEnd(t, res.json() as LaunchJob)).containerId!;
      expect(id).toBeTruthy();
      let c!: ContainerSummary;
      await expect
        .poll(
          async () => {
            c = (await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary;
            return c.diagnosis?.kind;
          },
          { timeout: 30_000 },
        )
        .toBe('binfmt-off');
      expect(c.diagnosis?.fix).toContain(`echo 1 | sudo tee ${status}`);
    } finally {
      await writeFile(status, '1');
      await release();
    }
    await expect
      .poll(async () => (await health(t)).problems.map((p) => p.id))
      .not.toContain('binfmt-disabled');
    await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
  });
});
