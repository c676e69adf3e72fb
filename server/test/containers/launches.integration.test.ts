/**
 * "Pull, then run" is the daemon's: POST /api/containers for an image that is not local answers
 * 202 with a launch whose events carry the pull's progress and end with the started container.
 * Each test pulls a tag of its own, so what is local on this podman never decides the path.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSummary, LaunchJob, PullJob } from '@archdeck/shared';
import { readSse } from '../../src/lib/sse-read.js';
import { buildTestApp, launchToEnd, podmanCli, testEnv, type TestApp } from '../helper.js';
import { copyTag, registryRepo } from '../registry-push.js';
import { startThrottledProxy } from '../throttle-proxy.js';

const env = testEnv();
const NAMESPACE = `archdeck-launch-${process.pid}`;
let t: TestApp;
const created: string[] = [];
const tags: string[] = [];

/** The test image under a tag of this test's own. */
async function freshTag(): Promise<string> {
  const ref = await copyTag(env.image, `launch-${process.pid}-${randomBytes(3).toString('hex')}`);
  tags.push(ref);
  return ref;
}

/** Reads a launch's event stream to its end, as the UI and the CLI do. */
async function followEvents(id: string, onJob: (job: LaunchJob) => unknown = () => undefined) {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  // fetch sends Host: 127.0.0.1:<port>, which the allowlist accepts for the listening port.
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/api/launches/${id}/events`, {
    headers: { authorization: `Bearer ${t.token}` },
  });
  expect(res.status).toBe(200);
  const seen: LaunchJob[] = [];
  for await (const e of readSse(res.body!)) {
    if (e.event === 'end') return { seen, end: e.data as LaunchJob };
    seen.push(e.data as LaunchJob);
    await onJob(e.data as LaunchJob);
  }
  throw new Error('the stream ended without an end event');
}

/** An image of this test's own (random layers, not runnable) behind a registry that trickles. */
async function slowImage(name: string) {
  const slow = await startThrottledProxy({
    listen: process.env.ARCHDECK_TEST_SPARE_REGISTRY!,
    upstream: env.registry,
    bytesPerTick: 1024,
  });
  const repo = registryRepo(env.registry, `${NAMESPACE}/${name}`);
  await repo.index('v1', [await repo.image('arm64', 3)]);
  return { slow, image: `${process.env.ARCHDECK_TEST_SPARE_REGISTRY}/${NAMESPACE}/${name}:v1` };
}

const pullState = async (id: string) =>
  ((await t.api({ url: `/api/pulls/${id}` })).json() as PullJob).state;

async function launch(payload: Record<string, unknown>): Promise<LaunchJob> {
  const res = await t.api({ method: 'POST', url: '/api/containers', payload });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as LaunchJob;
}

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
});

afterAll(async () => {
  for (const id of created) await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
  await t.app.close();
  // Its tags and the arch tags the daemon kept, so that no image stays behind because of them.
  for (const ref of tags.flatMap((r) => [r, `${r}-arm64`]))
    await podmanCli('rmi', ref).catch(() => undefined);
});

describe('POST /api/containers with an image to pull', () => {
  it('answers 202 with a launch; its events carry the pull, then the started container', async () => {
    const image = await freshTag();
    const started = await launch({ image, platform: 'linux/arm64', cmd: ['uname', '-m'] });
    expect(started).toMatchObject({
      state: 'running',
      platform: 'linux/arm64',
      request: { image, platform: 'linux/arm64' },
      containerId: null,
    });
    expect(started.pull?.platform).toBe('linux/arm64');

    // Its blobs are local already, so it may end before the stream is open: then the stream
    // holds the end alone. The slow tests below see the progress.
    const { seen, end } = await followEvents(started.id);
    expect(seen.every((j) => j.state === 'running')).toBe(true);
    expect(end).toMatchObject({ state: 'succeeded', error: null });
    expect((end!.pull as PullJob).state).toBe('succeeded');
    const id = end!.containerId!;
    created.push(id);
    await expect
      .poll(
        async () =>
          ((await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary).state,
      )
      .toBe('exited');
    const c = (await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary;
    expect(c).toMatchObject({ image, platform: 'linux/arm64', exitCode: 0 });
    // Its output was read from before the start, as for any run.
    expect(
      t.app.containers.outputs
        .get(id)
        ?.read(0, 10)
        ?.map((l) => l.t),
    ).toEqual(['aarch64']);

    // The same image again is local now: the container at once.
    const again = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image, platform: 'linux/arm64', cmd: ['true'] },
    });
    expect(again.statusCode, again.body).toBe(201);
    created.push((again.json() as ContainerSummary).id);
    // The launch is listed, finished, with what was asked.
    const listed = (await t.api({ url: '/api/launches' })).json() as LaunchJob[];
    expect(listed.find((l) => l.id === started.id)).toMatchObject({
      state: 'succeeded',
      containerId: id,
    });
  });

  it('ends failed, saying which pull failed and why, when the tag does not exist', async () => {
    const image = `${env.registry}/${NAMESPACE}/absent:nope`;
    const end = await launchToEnd(t, await launch({ image, platform: 'linux/arm64' }));
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(new RegExp(`^Pulling ${image} for linux/arm64 failed: .+`));
    expect(end.containerId).toBeNull();
    expect((await t.api({ url: '/api/containers' })).json()).not.toContainEqual(
      expect.objectContaining({ image }),
    );
  });

  it('refuses bad input before anything is pulled, and changes nothing', async () => {
    const before = ((await t.api({ url: '/api/launches' })).json() as LaunchJob[]).length;
    const image = await freshTag();
    for (const payload of [
      { image, platform: 'linux/nonsense' },
      { image, platform: 'linux/arm64', cpu: 'not-a-model' },
      { image, platform: 'linux/arm64', env: ['QEMU_CPU=max'] },
    ]) {
      const res = await t.api({ method: 'POST', url: '/api/containers', payload });
      expect(res.statusCode, res.body).toBe(400);
    }
    expect((await t.api({ url: '/api/launches' })).json()).toHaveLength(before);
    expect((await t.api({ url: '/api/pulls' })).json()).not.toContainEqual(
      expect.objectContaining({ ref: image }),
    );
  });

  it('streams the pull while it runs; cancelled, it stops that pull and creates nothing', async () => {
    const { slow, image } = await slowImage('slow');
    try {
      const started = await launch({ image, platform: 'linux/arm64' });
      // Cancelled from its own event stream, once the stream has shown the pull under way.
      const { seen, end } = await followEvents(started.id, async (job) => {
        if (job.pull.layers.length > 0 && job.state === 'running')
          expect(
            (await t.api({ method: 'DELETE', url: `/api/launches/${job.id}` })).statusCode,
          ).toBe(204);
      });
      expect(seen.some((j) => j.pull.state === 'running' && j.pull.layers.length > 0)).toBe(true);
      // It ends with the pull it stopped, and no container.
      expect(end).toMatchObject({
        state: 'cancelled',
        containerId: null,
        pull: { state: 'cancelled' },
      });
      expect(await pullState(started.pull.id)).toBe('cancelled');
      expect((await t.api({ url: '/api/containers' })).json()).not.toContainEqual(
        expect.objectContaining({ image }),
      );
    } finally {
      await slow.close();
    }
  });

  it('a pull somebody asked for, or another launch waits for, goes on when a launch is cancelled', async () => {
    const { slow, image } = await slowImage('shared');
    try {
      // A launch starts the pull, a second joins it; the first is cancelled: the second's pull
      // goes on.
      const first = await launch({ image, platform: 'linux/arm64' });
      const second = await launch({ image, platform: 'linux/arm64' });
      expect(second.pull.id).toBe(first.pull.id);
      await t.api({ method: 'DELETE', url: `/api/launches/${first.id}` });
      expect(await pullState(first.pull.id)).toBe('running');
      // A user's own pull joins too; the second launch is cancelled: the user's pull goes on.
      const asked = await t.api({
        method: 'POST',
        url: '/api/pulls',
        payload: { ref: image, platform: 'linux/arm64' },
      });
      expect((asked.json() as PullJob).id).toBe(first.pull.id);
      await t.api({ method: 'DELETE', url: `/api/launches/${second.id}` });
      expect(await pullState(first.pull.id)).toBe('running');
      await t.api({ method: 'DELETE', url: `/api/pulls/${first.pull.id}` });
    } finally {
      await slow.close();
    }
  });
});
