/**
 * Builds against the real podman service: RUN steps under emulation for each platform (the
 * result run to prove it), a failure shown where it happened, cancel that really stops
 * podman's build, the refusal of a platform whose RUN steps cannot run, and FROM scratch
 * builds that must not take another platform's cached layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { BuildJob, BuildPlatformPlan, ImageSummary } from '@archdeck/shared';
import { buildTestApp, type TestApp } from '../helper.js';
import { entryText } from '../emulators/fixtures.js';
import {
  build,
  contextTar,
  env,
  multiArchBase,
  ownName,
  podman,
  postBuild,
  removeTags,
  runImage,
  workingContainers,
} from './helpers.js';

let t: TestApp;
let base: string;
const created: string[] = [];

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  await t.app.engine.settled();
  base = await multiArchBase();
});
afterAll(async () => {
  await t.app.close();
  await removeTags(created);
});

/** Reads a build's event stream as a browser would, to its end. */
async function events(id: string): Promise<Array<{ event: string; data: unknown }>> {
  if (!t.app.server.listening) await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/api/builds/${id}/events`, {
    headers: { authorization: `Bearer ${t.token}` },
  });
  const text = await res.text();
  return text
    .split('\n\n')
    .map((block) => /^event: (\w+)\ndata: (.*)$/m.exec(block))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) as unknown }));
}

describe('builds', () => {
  it('says how each platform would build: natively, or through which emulator', async () => {
    const plans = (await t.api({ url: '/api/builds/platforms' })).json() as BuildPlatformPlan[];
    expect(plans.find((p) => p.platform === 'linux/amd64')).toMatchObject({ run: 'native' });
    // The test environment registers qemu for these with the F flag.
    for (const platform of ['linux/arm64', 'linux/s390x']) {
      expect(plans.find((p) => p.platform === platform)).toMatchObject({
        run: 'emulated',
        reason: expect.stringContaining('$BUILDPLATFORM'),
      });
    }
  });

  it('builds for amd64, arm64 and s390x, running RUN as each (the image says which CPU ran it)', async () => {
    const name = ownName('arch');
    const started = performance.now();
    const job = await build(
      t,
      { tag: `${name}:1`, platforms: 'linux/amd64,linux/arm64,linux/s390x' },
      contextTar({ Containerfile: `FROM ${base}\nRUN uname -m > /arch\nCMD ["cat", "/arch"]\n` }),
    );
    created.push(...job.platforms.flatMap((p) => p.tags));
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(job.file).toBe('Containerfile');
    expect(job.platforms.map((p) => [p.platform, p.run, p.tags])).toEqual([
      ['linux/amd64', 'native', [`${name}:1-amd64`]],
      ['linux/arm64', 'emulated', [`${name}:1-arm64`]],
      ['linux/s390x', 'emulated', [`${name}:1-s390x`]],
    ]);
    const expected = { amd64: 'x86_64', arm64: 'aarch64', s390x: 's390x' };
    for (const [arch, machine] of Object.entries(expected)) {
      expect(await runImage(`${name}:1-${arch}`, `linux/${arch}`)).toBe(machine);
    }
    // Every platform stays listed: no build took another's tag.
    const images = (await t.api({ url: '/api/images' })).json() as ImageSummary[];
    for (const p of job.platforms) {
      expect(images.find((i) => i.id === p.imageId)).toMatchObject({
        platform: p.platform,
        repoTags: expect.arrayContaining(p.tags),
      });
    }
    console.log(`3-platform build: ${Math.round(performance.now() - started)} ms`);
  });

  it('reads a gzip context with a Dockerfile, build arguments and a target; one platform gets the plain tag too', async () => {
    const name = ownName('args');
    const dockerfile = [
      `FROM ${base} AS one`,
      'ARG WORD',
      'RUN echo "$WORD" > /word',
      'CMD ["cat", "/word"]',
      'FROM one AS two',
      'RUN false',
    ].join('\n');
    const job = await build(
      t,
      {
        tag: `${name.replace(/^localhost\//, '')}:2`,
        platforms: 'linux/arm64',
        buildArgs: JSON.stringify({ WORD: 'archdeck' }),
        target: 'one',
      },
      gzipSync(contextTar({ Dockerfile: dockerfile, 'README.md': 'context' })),
    );
    created.push(...job.platforms.flatMap((p) => p.tags));
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(job).toMatchObject({ tag: `${name}:2`, file: 'Dockerfile', target: 'one' });
    expect(job.platforms[0]!.tags).toEqual([`${name}:2`, `${name}:2-arm64`]);
    expect(await runImage(`${name}:2-arm64`, 'linux/arm64')).toBe('archdeck');
  });

  it('fails with podman’s error line, shown as the output’s last line and replayed to a late client', async () => {
    const marker = `archdeck-buildtest-fail-${process.pid}`;
    const job = await build(
      t,
      { tag: `${ownName('fail')}:1`, platforms: 'linux/arm64' },
      contextTar({ Containerfile: `FROM ${base}\nRUN echo ${marker}; exit 3\n` }),
    );
    expect(job.state).toBe('failed');
    expect(job.platforms[0]).toMatchObject({
      state: 'failed',
      imageId: null,
      error: expect.stringMatching(/RUN echo .*exit status 3/),
    });
    expect(job.error).toMatch(/^linux\/arm64: .*exit status 3/);
    const stream = await events(job.id);
    expect(stream[0]?.event).toBe('job');
    expect(stream.at(-1)).toMatchObject({ event: 'end', data: { state: 'failed' } });
    const lines = stream
      .filter((e) => e.event === 'output')
      .flatMap((e) => (e.data as { lines: string[] }).lines);
    expect(lines).toContain(marker);
    expect(lines.at(-1)).toMatch(/^Error: building at STEP .*exit status 3/);
    await expect(podman('image', 'exists', `${ownName('fail')}:1-arm64`)).rejects.toThrow();
  });

  it('cancels: the job is cancelled at once, and podman’s build stops without an image', async () => {
    const name = ownName('cancel');
    const marker = `archdeck-buildtest-cancel-${process.pid}`;
    const before = new Set(await workingContainers());
    const res = await postBuild(
      t,
      { tag: `${name}:1`, platforms: 'linux/arm64' },
      contextTar({
        Containerfile: `FROM ${base}\nRUN echo ${marker} && sleep 6\nRUN touch /done\n`,
      }),
    );
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as BuildJob;
    // Cancel while the RUN step runs under emulation.
    await expect
      .poll(() => t.app.builds.jobs.get(id).snapshot().platforms[0]!.step, { timeout: 30_000 })
      .toMatch(/RUN echo/);
    const ours = (await workingContainers()).filter((id) => !before.has(id));
    expect(ours.length).toBeGreaterThan(0);
    expect((await t.api({ method: 'DELETE', url: `/api/builds/${id}` })).statusCode).toBe(204);
    const job = t.app.builds.jobs.get(id).snapshot();
    expect(job.state).toBe('cancelled');
    expect(job.platforms[0]!.state).toBe('cancelled');
    // HACK: buildah 1.28 lets the RUN step in progress finish (its process is not signalled);
    // what closing the connection stops is everything after it: no commit, no image. The
    // build is over once its working container is gone.
    await expect
      .poll(workingContainers, { timeout: 30_000, interval: 500 })
      .toSatisfy((ids: string[]) => ours.every((id) => !ids.includes(id)));
    await expect(podman('image', 'exists', `${name}:1-arm64`)).rejects.toThrow();
  });
});

describe('platforms that cannot run RUN steps (a binfmt_misc of the test’s own)', () => {
  let own: TestApp;
  let binfmtRoot: string;

  beforeAll(async () => {
    binfmtRoot = await mkdtemp(join(tmpdir(), 'archdeck-buildtest-binfmt-'));
    await writeFile(join(binfmtRoot, 'status'), 'enabled\n');
    await writeFile(join(binfmtRoot, 'register'), '');
    // aarch64 registered without F: it works on the host, not inside a build's container.
    await writeFile(
      join(binfmtRoot, 'qemu-aarch64'),
      entryText('debian-aarch64').replace('flags: POF', 'flags: PO'),
    );
    own = await buildTestApp({
      podmanSocket: env.socket,
      binfmtRoot,
      binfmtConfDirs: [],
      registriesConf: env.registriesConf,
    });
    await own.app.engine.settled();
  });
  afterAll(async () => {
    await own.app.close();
    await rm(binfmtRoot, { recursive: true, force: true });
  });

  it('refuses the build with a reason and the fix for each platform, and keeps nothing', async () => {
    const res = await postBuild(
      own,
      { tag: `${ownName('refused')}:1`, platforms: 'linux/amd64,linux/arm64,linux/s390x' },
      contextTar({ Containerfile: `FROM ${base}\nRUN uname -m > /arch\n` }),
    );
    expect(res.statusCode).toBe(400);
    const body = res.json() as {
      code: string;
      message: string;
      detail: { platforms: BuildPlatformPlan[] };
    };
    expect(body.code).toBe('platform_unavailable');
    expect(body.message).toMatch(/^Cannot build for linux\/arm64, linux\/s390x: /);
    const why = Object.fromEntries(body.detail.platforms.map((p) => [p.platform, p]));
    expect(why['linux/amd64']).toMatchObject({ run: 'native' });
    expect(why['linux/arm64']).toMatchObject({
      run: 'unavailable',
      reason: expect.stringMatching(/without the F flag.*Re-register with F/),
    });
    expect(why['linux/s390x']).toMatchObject({
      run: 'unavailable',
      reason: expect.stringMatching(/no emulator is registered|no qemu emulator/),
    });
    expect(own.app.builds.jobs.list()).toEqual([]);
    expect(await readdir(join(own.config.dataDir, 'builds'))).toEqual([]);
  });

  it('builds FROM scratch without RUN for any platform, with the layer cache off so no platform gets another’s layers', async () => {
    const name = ownName('scratch');
    const probe = (arch: string) =>
      readFile(new URL(`../../probes/bin/probe-${arch}`, import.meta.url));
    const context = contextTar({
      Containerfile:
        'FROM scratch\nCOPY same.txt /same.txt\nARG TARGETARCH\nCOPY probe-${TARGETARCH} /probe\nENTRYPOINT ["/probe"]\n',
      'same.txt': 'identical for every platform',
      'probe-arm64': await probe('arm64'),
      'probe-s390x': await probe('s390x'),
    });
    // One after the other: the second would find the first one's layers in the cache.
    const ids: Record<string, string> = {};
    for (const arch of ['arm64', 's390x']) {
      const job = await build(own, { tag: `${name}:1`, platforms: `linux/${arch}` }, context);
      created.push(...job.platforms.flatMap((p) => p.tags));
      expect(job.state, job.error ?? '').toBe('succeeded');
      expect(job.cacheOff).toMatch(/FROM scratch/);
      expect(job.platforms[0]!.run).toBe('unavailable');
      const image = await own.api({ url: `/api/images/${job.platforms[0]!.imageId}` });
      expect(image.json()).toMatchObject({ architecture: arch });
      ids[arch] = job.platforms[0]!.imageId!;
    }
    expect(ids.arm64).not.toBe(ids.s390x);
  });
});
