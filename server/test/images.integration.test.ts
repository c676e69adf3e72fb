/**
 * Images, remote platforms and pulls against the real private podman service and the
 * loopback registry's multi-arch busybox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import type { ImageDetail, ImageSummary, PullJob, RemotePlatforms } from '@archdeck/shared';
import { buildTestApp, podmanCli as podman, pullToEnd, testEnv, type TestApp } from './helper.js';

const run = promisify(execFile);
const env = testEnv();
let t: TestApp;

const pull = (ref: string, platform: string) => pullToEnd(t, ref, platform);

const images = async () => (await t.api({ url: '/api/images' })).json() as ImageSummary[];

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  // Start from a storage without busybox, so the pulls below are real.
  await podman('rmi', '--all', '--force').catch(() => undefined);
});
afterAll(() => t.app.close());

describe('GET /api/registries/platforms', () => {
  it('lists the four platforms of the multi-arch index with run badges', async () => {
    const res = await t.api({
      url: `/api/registries/platforms?ref=${encodeURIComponent(env.image)}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as RemotePlatforms;
    expect(body.multiArch).toBe(true);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${env.image}`,
    ]);
    const index = JSON.parse(stdout) as {
      manifests: Array<{ digest: string; platform: { architecture: string } }>;
    };
    expect(body.platforms.map((p) => [p.platform, p.digest])).toEqual(
      index.manifests.map((m) => [`linux/${m.platform.architecture}`, m.digest]),
    );
    const badge = Object.fromEntries(
      body.platforms.map((p) => [p.architecture, `${p.run}:${p.emulatedBy}`]),
    );
    expect(badge).toEqual({
      amd64: 'native:null',
      arm64: 'emulated:qemu-aarch64',
      ppc64le: 'emulated:qemu-ppc64le',
      s390x: 'emulated:qemu-s390x',
    });
  });

  it('says clearly when a tag does not exist', async () => {
    const res = await t.api({
      url: `/api/registries/platforms?ref=${encodeURIComponent(`${env.registry}/library/busybox:nope`)}`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/not found/i);
  });
});

describe('pulls', () => {
  let arm: PullJob;
  let s390x: PullJob;

  it('pulls arm64 then s390x of one tag and keeps both listed, runnable, with the right arch', async () => {
    arm = await pull(env.image, 'linux/arm64');
    expect(arm).toMatchObject({ state: 'succeeded', error: null, archTag: `${env.image}-arm64` });
    s390x = await pull(env.image, 'linux/s390x');
    expect(s390x).toMatchObject({ state: 'succeeded', archTag: `${env.image}-s390x` });

    const list = await images();
    const byId = (id: string | null) => list.find((i) => i.id === id)!;
    expect(byId(arm.imageId)).toMatchObject({
      architecture: 'arm64',
      platform: 'linux/arm64',
      badge: { run: 'emulated', emulatedBy: 'qemu-aarch64' },
    });
    expect(byId(arm.imageId).repoTags).toContain(`${env.image}-arm64`);
    expect(byId(s390x.imageId)).toMatchObject({
      architecture: 's390x',
      badge: { run: 'emulated', emulatedBy: 'qemu-s390x' },
    });
    // The plain tag moved to s390x, as podman does; the arch tags keep both reachable.
    expect(byId(s390x.imageId).repoTags).toEqual(
      expect.arrayContaining([env.image, `${env.image}-s390x`]),
    );

    for (const [tag, machine] of [
      [`${env.image}-arm64`, 'aarch64'],
      [`${env.image}-s390x`, 's390x'],
    ]) {
      const { stdout } = await podman('run', '--rm', tag!, 'uname', '-m');
      expect(stdout.trim()).toBe(machine);
    }
  });

  it('shows the same fields as skopeo inspect containers-storage', async () => {
    const detail = (await t.api({ url: `/api/images/${arm.imageId}` })).json() as ImageDetail;
    const { stdout } = await run(
      'skopeo',
      ['inspect', `containers-storage:[overlay@${env.root}+${env.runroot}]${env.image}-arm64`],
      {
        env: { ...process.env, CONTAINERS_STORAGE_CONF: process.env.ARCHDECK_TEST_STORAGE_CONF },
      },
    );
    const skopeo = JSON.parse(stdout) as Record<string, unknown>;
    expect({
      Name: detail.name,
      Digest: detail.digests.platform,
      Created: detail.created,
      DockerVersion: detail.dockerVersion,
      Labels: detail.labels,
      Architecture: detail.architecture,
      Os: detail.os,
      Layers: detail.layers,
      Env: detail.env,
    }).toEqual({
      Name: skopeo.Name,
      Digest: skopeo.Digest,
      Created: skopeo.Created,
      DockerVersion: skopeo.DockerVersion,
      Labels: skopeo.Labels,
      Architecture: skopeo.Architecture,
      Os: skopeo.Os,
      Layers: skopeo.Layers,
      Env: skopeo.Env,
    });
    expect(detail.cmd).toEqual(['sh']);
    expect(detail.history.length).toBeGreaterThan(0);
  });

  it('with policy missing, answers a local image at once and pulls only what is not local', async () => {
    const pullsBefore = (await t.api({ url: '/api/pulls' })).json() as PullJob[];
    const local = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: `${env.image}-arm64`, platform: 'linux/aarch64', policy: 'missing' },
    });
    expect(local.statusCode).toBe(200);
    expect(local.json()).toMatchObject({
      state: 'succeeded',
      platform: 'linux/arm64',
      imageId: arm.imageId,
      layers: [],
    });
    // Nothing was pulled, so there is no job to list.
    expect((await t.api({ url: '/api/pulls' })).json()).toHaveLength(pullsBefore.length);

    const absent = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: `${env.image}-arm64`, platform: 'linux/ppc64le', policy: 'missing' },
    });
    expect(absent.statusCode).toBe(202);
    expect(absent.json()).toMatchObject({ state: 'running', platform: 'linux/ppc64le' });
    const bad = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: env.image, platform: 'linux/arm64', policy: 'sometimes' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('deletes an image that has several tags (its ref and its arch tag)', async () => {
    const before = (await images()).find((i) => i.id === s390x.imageId)!;
    expect(before.repoTags.length).toBeGreaterThan(1);
    const res = await t.api({ method: 'DELETE', url: `/api/images/${s390x.imageId}` });
    expect(res.statusCode).toBe(204);
    expect((await images()).some((i) => i.id === s390x.imageId)).toBe(false);
    const missing = await t.api({ method: 'DELETE', url: `/api/images/${s390x.imageId}` });
    expect(missing.statusCode).toBe(404);
  });

  it('fails a pull of a missing tag with the registry message', async () => {
    const job = await pull(`${env.registry}/library/busybox:does-not-exist`, 'linux/arm64');
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/manifest unknown|not found/i);
  });

  it('refuses bad references and platforms with 400', async () => {
    for (const payload of [
      { ref: 'Busybox', platform: 'linux/arm64' },
      { ref: 'a'.repeat(600), platform: 'linux/arm64' },
      { ref: `${'a-'.repeat(200)}!`, platform: 'linux/arm64' },
      { ref: 'busybox@sha256:zz', platform: 'linux/arm64' },
      { ref: 'busybox', platform: 'linux/vax' },
      { ref: 'busybox', platform: 'linux/arm64', privileged: true },
    ]) {
      const res = await t.api({ method: 'POST', url: '/api/pulls', payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().code).toBe('bad_request');
    }
  });
});

describe('a registry that goes away mid-pull', () => {
  let proxy: Server;
  const sockets = new Set<Socket>();

  afterAll(() => {
    for (const s of sockets) s.destroy();
    proxy?.close();
  });

  it('ends the job failed or interrupted, never succeeded; a second request joins the running job', async () => {
    const [host, port] = env.registry.split(':');
    const [, sparePort] = (process.env.ARCHDECK_TEST_SPARE_REGISTRY ?? '').split(':');
    expect(sparePort).toBeTruthy();
    let blobSeen!: () => void;
    const blobRequested = new Promise<void>((r) => (blobSeen = r));
    // The spare address serves the real registry through this proxy, which stops forwarding
    // (and then stops altogether) when the first layer is requested.
    proxy = createServer((client) => {
      sockets.add(client);
      const upstream = connect(Number(port), host);
      sockets.add(upstream);
      client.on('data', (d) => {
        if (/GET \/v2\/[^ ]+\/blobs\//.test(d.toString('latin1'))) {
          blobSeen();
          return;
        }
        upstream.write(d);
      });
      upstream.on('data', (d) => client.write(d));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(Number(sparePort), '127.0.0.1', r));

    const ref = `${process.env.ARCHDECK_TEST_SPARE_REGISTRY}/library/busybox:1.36`;
    const first = (
      await t.api({
        method: 'POST',
        url: '/api/pulls',
        payload: { ref, platform: 'linux/ppc64le' },
      })
    ).json() as PullJob;
    await blobRequested;
    const again = (
      await t.api({
        method: 'POST',
        url: '/api/pulls',
        payload: { ref, platform: 'linux/ppc64le' },
      })
    ).json() as PullJob;
    expect(again.id).toBe(first.id);

    for (const s of sockets) s.destroy();
    proxy.close();
    await expect
      .poll(
        async () => ((await t.api({ url: `/api/pulls/${first.id}` })).json() as PullJob).state,
        { timeout: 120_000, interval: 500 },
      )
      .toMatch(/^(failed|interrupted)$/);
  });
});
