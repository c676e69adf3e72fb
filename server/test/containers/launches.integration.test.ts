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

    await t.app.listen({ port: 0, host: '127.0.0.1' });
    // fetch sends Host: 127.0.0.1:<port>, which the allowlist accepts for the listening port.
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const res = await fetch(`${base}/api/launches/${started.id}/events`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(res.status).toBe(200);
    const seen: LaunchJob[] = [];
    let end: LaunchJob | null = null;
    for await (const e of readSse(res.body!)) {
      if (e.event === 'job') seen.push(e.data as LaunchJob);
      if (e.event === 'end') {
        end = e.data as LaunchJob;
        break;
      }
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((j) => j.state === 'running' && j.pull !== null)).toBe(true);
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

  it('cancelled, it stops the pull it started; the container is never created', async () => {
    // An image of its own behind a slow registry: the pull takes seconds.
    const slow = await startThrottledProxy({
      listen: process.env.ARCHDECK_TEST_SPARE_REGISTRY!,
      upstream: env.registry,
      bytesPerTick: 1024,
    });
    try {
      const repo = registryRepo(env.registry, `${NAMESPACE}/slow`);
      const pushed = await repo.image('arm64', 3);
      await repo.index('v1', [pushed]);
      const image = `${process.env.ARCHDECK_TEST_SPARE_REGISTRY}/${NAMESPACE}/slow:v1`;
      const started = await launch({ image, platform: 'linux/arm64' });
      const pullId = started.pull!.id;
      await expect
        .poll(async () => ((await t.api({ url: `/api/pulls/${pullId}` })).json() as PullJob).state)
        .toBe('running');
      const cancel = await t.api({ method: 'DELETE', url: `/api/launches/${started.id}` });
      expect(cancel.statusCode).toBe(204);
      const end = (await t.api({ url: `/api/launches/${started.id}` })).json() as LaunchJob;
      expect(end).toMatchObject({ state: 'cancelled', containerId: null });
      await expect
        .poll(async () => ((await t.api({ url: `/api/pulls/${pullId}` })).json() as PullJob).state)
        .toBe('cancelled');
      expect((await t.api({ url: '/api/containers' })).json()).not.toContainEqual(
        expect.objectContaining({ image }),
      );
    } finally {
      await slow.close();
    }
  });

  it('a launch that joins a pull somebody else started leaves that pull alone when cancelled', async () => {
    const slow = await startThrottledProxy({
      listen: process.env.ARCHDECK_TEST_SPARE_REGISTRY!,
      upstream: env.registry,
      bytesPerTick: 1024,
    });
    try {
      const repo = registryRepo(env.registry, `${NAMESPACE}/shared`);
      await repo.index('v1', [await repo.image('arm64', 3)]);
      const image = `${process.env.ARCHDECK_TEST_SPARE_REGISTRY}/${NAMESPACE}/shared:v1`;
      const pull = await t.api({
        method: 'POST',
        url: '/api/pulls',
        payload: { ref: image, platform: 'linux/arm64' },
      });
      expect(pull.statusCode).toBe(202);
      const pullId = (pull.json() as PullJob).id;
      const started = await launch({ image, platform: 'linux/arm64' });
      expect(started.pull?.id).toBe(pullId);
      await t.api({ method: 'DELETE', url: `/api/launches/${started.id}` });
      expect(((await t.api({ url: `/api/pulls/${pullId}` })).json() as PullJob).state).toBe(
        'running',
      );
      await t.api({ method: 'DELETE', url: `/api/pulls/${pullId}` });
    } finally {
      await slow.close();
    }
  });
});
