/**
 * Each diagnosis from a real failing container: binaries built with Debian's cross compilers,
 * put in FROM scratch images with `podman build --platform`, run through the daemon. The file
 * arranges binfmt_misc for itself (test/binfmt-state.ts): an arm64 handler usable in
 * containers, and no riscv64 handler at all, whatever the host registers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ContainerSummary, LaunchJob } from '@archdeck/shared';
import { arrangeBinfmt, PROC, type BinfmtArrangement } from '../binfmt-state.js';
import {
  buildTestApp,
  launchToEnd,
  podmanCli as podman,
  testEnv,
  type TestApp,
} from '../helper.js';

const run = promisify(execFile);
const env = testEnv();
const HELLO = fileURLToPath(new URL('../fixtures/elf/hello.c', import.meta.url));
const NO_F = `archdeck-test-${randomBytes(4).toString('hex')}`;
let t: TestApp;
let dir: string;
let binfmt: BinfmtArrangement | undefined;
const created: string[] = [];

/** Compiles `source` with `cc`, wraps it in a FROM scratch image for `platform`. */
async function scratchImage(
  name: string,
  cc: string,
  flags: string[],
  source: string,
  platform: string,
): Promise<string> {
  const ctx = join(dir, name);
  await run('mkdir', ['-p', ctx]);
  await run(cc, [...flags, '-o', join(ctx, 'app'), source]);
  await writeFile(join(ctx, 'Containerfile'), 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n');
  const tag = `localhost/archdeck-diag/${name}:latest`;
  await podman('build', '--no-cache', '-q', '--platform', platform, '-t', tag, ctx);
  return tag;
}

async function failedRun(image: string, platform: string): Promise<ContainerSummary> {
  const res = await t.api({ method: 'POST', url: '/api/containers', payload: { image, platform } });
  let id: string;
  if (res.statusCode === 201) id = (res.json() as ContainerSummary).id;
  else {
    // A container that cannot even start still exists; the error names it.
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    id = (res.json() as { detail?: { id?: string } }).detail?.id ?? '';
    expect(id).not.toBe('');
  }
  created.push(id);
  await expect
    .poll(
      async () =>
        ((await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary).state,
      { timeout: 60_000 },
    )
    .toMatch(/exited|created/);
  return (await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary;
}

beforeAll(async () => {
  binfmt = await arrangeBinfmt({ ready: ['linux/arm64'], absent: ['linux/riscv64'] });
  dir = await mkdtemp(join(tmpdir(), 'archdeck-diag-'));
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
});

afterAll(async () => {
  try {
    for (const id of created) await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
    if ((await readdir(PROC)).includes(NO_F)) await writeFile(join(PROC, NO_F), '-1');
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await binfmt?.restore();
  }
});

describe('diagnosis of real failures', () => {
  it('a dynamic arm64 binary in a scratch image: names the missing loader', async () => {
    const image = await scratchImage(
      'dyn-arm64',
      'aarch64-linux-gnu-gcc',
      ['-O2'],
      HELLO,
      'linux/arm64',
    );
    const c = await failedRun(image, 'linux/arm64');
    expect(c.exitCode).toBeGreaterThan(0);
    expect(c.diagnosis).toMatchObject({ kind: 'missing-loader' });
    expect(c.diagnosis!.cause).toContain('/lib/ld-linux-aarch64.so.1');
  });

  it('a riscv64 binary with no riscv64 handler: exec format error → Emulators', async () => {
    const image = await scratchImage(
      'static-riscv64',
      'riscv64-linux-gnu-gcc',
      ['-O2', '-static'],
      HELLO,
      'linux/riscv64',
    );
    const c = await failedRun(image, 'linux/riscv64');
    expect(c.diagnosis).toMatchObject({ kind: 'no-handler', link: '/emulators' });
  });

  it('a riscv64 handler registered without F: the interpreter is missing inside the container', async () => {
    await writeFile(
      join(PROC, 'register'),
      `:${NO_F}:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/riscv64-binfmt-P:PO`,
    );
    const c = await failedRun('localhost/archdeck-diag/static-riscv64:latest', 'linux/riscv64');
    expect(c.diagnosis).toMatchObject({ kind: 'handler-without-f' });
    expect(c.diagnosis!.cause).toContain(NO_F);
    await writeFile(join(PROC, NO_F), '-1');
  });

  it('an x86-64-v3 binary on an emulated CPU that lacks it: a CPU-level diagnosis', async () => {
    // glibc's loader refuses a binary marked as needing x86-64-v3 on a CPU without it. amd64
    // is native here, so qemu runs as the entrypoint with qemu64 (x86-64-v1; qemu 7.2's
    // default model has AVX2), on the real loader and libc of this host.
    const ctx = join(dir, 'isa-v3');
    await run('mkdir', ['-p', join(ctx, 'lib64'), join(ctx, 'lib/x86_64-linux-gnu')]);
    await run('gcc', ['-O2', '-march=x86-64-v3', '-mneeded', '-o', join(ctx, 'app'), HELLO]);
    await run('cp', ['-L', '/usr/bin/qemu-x86_64-static', join(ctx, 'qemu')]);
    await run('cp', ['-L', '/lib64/ld-linux-x86-64.so.2', join(ctx, 'lib64/')]);
    await run('cp', ['-L', '/lib/x86_64-linux-gnu/libc.so.6', join(ctx, 'lib/x86_64-linux-gnu/')]);
    await writeFile(
      join(ctx, 'Containerfile'),
      'FROM scratch\nCOPY . /\nENTRYPOINT ["/qemu", "-cpu", "qemu64", "/app"]\n',
    );
    const tag = 'localhost/archdeck-diag/isa-v3:latest';
    await podman('build', '--no-cache', '-q', '--platform', 'linux/amd64', '-t', tag, ctx);
    const c = await failedRun(tag, 'linux/amd64');
    expect(c.diagnosis).toMatchObject({ kind: 'cpu-level' });
    expect(c.diagnosis!.fix).toContain('-cpu max');
  });

  it('an image whose config lies about its architecture is refused, and flagged in the list', async () => {
    // Publish an index that calls an s390x image arm64, as some published images do.
    const liar = `${env.registry}/archdeck-test/liar:1`;
    await podman('pull', '-q', '--arch', 's390x', env.image);
    await podman('tag', env.image, 'localhost/archdeck-diag/liar-src:s390x');
    await podman('manifest', 'rm', 'localhost/archdeck-diag/liar-list').catch(() => undefined);
    await podman('manifest', 'create', 'localhost/archdeck-diag/liar-list');
    await podman(
      'manifest',
      'add',
      '--arch',
      'arm64',
      'localhost/archdeck-diag/liar-list',
      'containers-storage:localhost/archdeck-diag/liar-src:s390x',
    );
    await podman(
      'manifest',
      'push',
      '--all',
      '--tls-verify=false',
      'localhost/archdeck-diag/liar-list',
      `docker://${liar}`,
    );
    // A local manifest list without an amd64 entry stops podman 4.3 listing any image.
    await podman('manifest', 'rm', 'localhost/archdeck-diag/liar-list');
    await podman('rmi', '--force', liar, `${liar}-arm64`).catch(() => undefined);

    // Not local: the daemon pulls it, then refuses to run what it got.
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: liar, platform: 'linux/arm64' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const launch = await launchToEnd(t, res.json() as LaunchJob);
    expect(launch).toMatchObject({ state: 'failed', containerId: null });
    expect(launch.error).toMatch(/config says linux\/s390x; refusing to run it as linux\/arm64/);
    const images = (await t.api({ url: '/api/images' })).json() as Array<{
      repoTags: string[];
      archMismatch: unknown;
    }>;
    expect(images.find((i) => i.repoTags.includes(`${liar}-arm64`))?.archMismatch).toEqual({
      requested: 'linux/arm64',
      actual: 'linux/s390x',
    });
  });

  it('a program that segfaults under qemu: an emulator crash', async () => {
    const src = join(dir, 'crash.c');
    // No core file: qemu would dump the emulated address space for minutes before exiting.
    await writeFile(
      src,
      '#include <sys/resource.h>\nint main(void) { struct rlimit r = {0, 0}; setrlimit(RLIMIT_CORE, &r); volatile int *p = 0; *p = 1; return 0; }\n',
    );
    const image = await scratchImage(
      'crash-arm64',
      'aarch64-linux-gnu-gcc',
      ['-O2', '-static'],
      src,
      'linux/arm64',
    );
    const c = await failedRun(image, 'linux/arm64');
    expect(c.diagnosis).toMatchObject({ kind: 'qemu-crash' });
    expect(c.diagnosis!.cause).toContain('Segmentation fault');
  });
});
