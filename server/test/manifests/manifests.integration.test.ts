/**
 * Manifest lists against the real podman and the loopback registry: a draft made from built
 * images (one per platform), its entries changed, then pushed; what the registry serves is read
 * with skopeo, and the image list keeps working before, during and after the push (podman 4.3
 * cannot list images while a list without the host's platform is in its store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BuildJob, ManifestList, PushJob } from '@archdeck/shared';
import { buildTestApp, type TestApp } from '../helper.js';
import { pushListName } from '../../src/manifests/pushes.js';
import {
  build,
  contextTar,
  env,
  multiArchBase,
  ownName,
  podman,
  removeTags,
} from '../builds/helpers.js';

const run = promisify(execFile);
let t: TestApp;
let built: BuildJob;
const destination = `${env.registry}/archdeck-buildtest/list-${process.pid}:1`;

const skopeoRaw = async (ref: string) =>
  JSON.parse(
    (await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout,
  ) as {
    mediaType: string;
    manifests?: Array<{ digest: string; platform: { architecture: string; os: string } }>;
    config?: { digest: string };
  };

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  await t.app.engine.settled();
  const base = await multiArchBase();
  built = await build(
    t,
    { tag: `${ownName('list')}:1`, platforms: 'linux/arm64,linux/s390x,linux/amd64' },
    contextTar({ Containerfile: `FROM ${base}\nRUN uname -m > /arch\nCMD ["cat", "/arch"]\n` }),
  );
  expect(built.state, built.error ?? '').toBe('succeeded');
});
afterAll(async () => {
  await t.app.close();
  await removeTags(built.platforms.flatMap((p) => p.tags));
});

const image = (platform: string) => built.platforms.find((p) => p.platform === platform)!.imageId!;

describe('manifest lists', () => {
  let list: ManifestList;

  it('makes a draft from local images, one per platform, with their digests', async () => {
    const res = await t.api({
      method: 'POST',
      url: '/api/manifests',
      payload: { name: destination, images: [image('linux/arm64'), image('linux/amd64')] },
    });
    expect(res.statusCode, res.body).toBe(201);
    list = res.json() as ManifestList;
    expect(list.name).toBe(destination);
    expect(list.entries.map((e) => [e.platform, e.imageId, e.present])).toEqual([
      ['linux/arm64', image('linux/arm64'), true],
      ['linux/amd64', image('linux/amd64'), true],
    ]);
    for (const e of list.entries) expect(e.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    // Kept by the daemon, not in podman: nothing of it is in podman's store.
    const record = await stat(join(t.config.dataDir, 'manifests.json'));
    expect(record.mode & 0o777).toBe(0o600);
    expect((await t.api({ url: '/api/images' })).statusCode).toBe(200);
  });

  it('holds one image per platform, and changes its entries', async () => {
    const twice = await t.api({
      method: 'POST',
      url: `/api/manifests/${list.id}/entries`,
      payload: { image: image('linux/arm64') },
    });
    expect(twice.statusCode).toBe(409);
    const unknown = await t.api({
      method: 'POST',
      url: `/api/manifests/${list.id}/entries`,
      payload: { image: 'f'.repeat(64) },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ message: expect.stringMatching(/build or pull it/) });

    const added = await t.api({
      method: 'POST',
      url: `/api/manifests/${list.id}/entries`,
      payload: { image: image('linux/s390x').slice(0, 12) },
    });
    expect(added.statusCode, added.body).toBe(200);
    expect((added.json() as ManifestList).entries.map((e) => e.platform)).toEqual([
      'linux/arm64',
      'linux/amd64',
      'linux/s390x',
    ]);
    const removed = await t.api({
      method: 'DELETE',
      url: `/api/manifests/${list.id}/entries/${image('linux/amd64')}`,
    });
    expect(removed.statusCode).toBe(200);
    list = removed.json() as ManifestList;
    expect(list.entries.map((e) => e.platform)).toEqual(['linux/arm64', 'linux/s390x']);
  });

  it('pushes every image with the list; the registry serves exactly them, and images list throughout', async () => {
    const res = await t.api({ method: 'POST', url: `/api/manifests/${list.id}/push` });
    expect(res.statusCode, res.body).toBe(202);
    const started = res.json() as PushJob;
    // The image list answers all along, though podman holds a list without amd64 meanwhile.
    const statuses: number[] = [];
    let sawList = false;
    const poll = (async () => {
      while (t.app.pushes.jobs.get(started.id).running) {
        statuses.push((await t.api({ url: '/api/images' })).statusCode);
        sawList ||= await podman('manifest', 'exists', pushListName(started.id)).then(
          () => true,
          () => false,
        );
      }
    })();
    const job = await t.app.pushes.jobs.wait(started.id);
    await poll;
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(sawList).toBe(true);
    expect(job).toMatchObject({ images: 2, copied: 2 });
    expect(job.output).toContain('Writing manifest list to image destination');

    // The list is gone from podman again; podman itself lists images.
    await expect(podman('manifest', 'exists', pushListName(started.id))).rejects.toThrow();
    await podman('images', '--quiet');

    // What the registry serves, read by skopeo: the two platforms, each the local image (its
    // config digest is the image id). The platform manifests' digests are the registry's:
    // podman compresses the layers as it pushes, so they differ from the local ones.
    const index = await skopeoRaw(destination);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const served = index.manifests!.map((m) => ({
      platform: `${m.platform.os}/${m.platform.architecture}`,
      digest: m.digest,
    }));
    expect(served.map((s) => s.platform)).toEqual(['linux/arm64', 'linux/s390x']);
    for (const s of served) {
      const manifest = await skopeoRaw(`${destination.replace(/:1$/, '')}@${s.digest}`);
      expect(manifest.config?.digest).toBe(`sha256:${image(s.platform)}`);
    }
    // The daemon read the same back through its own registry client.
    expect(job.pushed).toMatchObject({
      reference: destination,
      platforms: served.map((s) => ({ ...s, imageId: image(s.platform) })),
    });
    const again = (await t.api({ url: `/api/manifests/${list.id}` })).json() as ManifestList;
    expect(again).toMatchObject({ lastPushId: job.id, pushed: job.pushed });
  });

  it('removes the draft', async () => {
    expect((await t.api({ method: 'DELETE', url: `/api/manifests/${list.id}` })).statusCode).toBe(
      204,
    );
    expect((await t.api({ url: `/api/manifests/${list.id}` })).statusCode).toBe(404);
  });
});
