/**
 * Smoke tests against the real private podman service and the real binfmt_misc: the probes
 * built by scripts/build-probes.sh run FROM scratch as each platform. The riscv64 handler is
 * this file's own (archdeck-test-<random>), so disabling it breaks nothing else; binfmt_misc
 * is left exactly as found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Emulators, SmokeTestResult } from '@archdeck/shared';
import { SmokeTestService } from '../../src/binfmt/smoke-test.js';
import { buildTestApp, testEnv, type TestApp } from '../helper.js';

const run = promisify(execFile);
const PROC = '/proc/sys/fs/binfmt_misc';
const RISCV = '/usr/libexec/qemu-binfmt/riscv64-binfmt-P';
const NAME = `archdeck-test-${randomBytes(4).toString('hex')}`;
const NO_F = `${NAME}-noF`;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The platforms the test environment registers (scripts/testenv.sh), and the host's own. */
const READY = ['arm64', 'arm', 'ppc64le', 's390x', 'amd64'];
const MACHINE: Record<string, string> = {
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  amd64: 'x86_64',
  riscv64: 'riscv64',
};

const env = testEnv();
let t: TestApp;
let kernelBefore: Map<string, string>;
const timings: string[] = [];

async function kernelEntries(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(PROC)).sort()) {
    if (name !== 'register') out.set(name, await readFile(join(PROC, name), 'utf8'));
  }
  return out;
}

async function smokeTest(arch: string): Promise<SmokeTestResult> {
  const res = await t.api({ method: 'POST', url: `/api/emulators/${arch}/test` });
  expect(res.statusCode, res.body).toBe(200);
  const result = res.json() as SmokeTestResult;
  timings.push(`${arch}: ${result.durationMs} ms ${result.passed ? 'pass' : 'FAIL'}`);
  return result;
}

const emulators = async () => (await t.api({ url: '/api/emulators' })).json() as Emulators;

beforeAll(async () => {
  kernelBefore = await kernelEntries();
  // Cheap when they are current: the script rebuilds only what changed.
  await run('bash', ['scripts/build-probes.sh', '--no-install', ...READY, 'riscv64'], {
    cwd: REPO,
  });
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  // The engine connects in the background once the app is ready; health() waits for it.
  expect((await t.app.engine.health()).reachable).toBe(true);
});

afterAll(async () => {
  for (const name of [NAME, NO_F]) {
    if ((await readdir(PROC)).includes(name)) await writeFile(join(PROC, name), '-1');
  }
  // The probe images are cheap to rebuild; later tests start from the store they expect.
  const docker = t.app.engine.client();
  for (const image of await docker.listImages()) {
    const ours = (image.RepoTags ?? []).filter((tag) =>
      tag.startsWith('localhost/archdeck-probe:'),
    );
    for (const tag of ours)
      await docker
        .getImage(tag)
        .remove()
        .catch(() => undefined);
  }
  await t.app.close();
  console.info(`smoke-test timings (probe container create to exit):\n  ${timings.join('\n  ')}`);
  // binfmt_misc as found: every entry that was there still is, unchanged (other test files'
  // archdeck-* handlers come and go on their own schedule).
  const after = await kernelEntries();
  for (const [name, text] of kernelBefore) {
    if (!name.startsWith('archdeck-')) expect(after.get(name), name).toBe(text);
  }
  expect([...after.keys()].filter((n) => n.startsWith(NAME))).toEqual([]);
});

describe('POST /api/emulators/:arch/test', () => {
  it.each(READY)('passes for %s', async (arch) => {
    const result = await smokeTest(arch);
    expect(result).toMatchObject({
      arch,
      platform: `linux/${arch}`,
      passed: true,
      failure: null,
    });
    expect(result.output).toContain(`archdeck-probe ok machine=${MACHINE[arch]} `);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(Date.parse(result.testedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps the last result per architecture in GET /api/emulators', async () => {
    const s = await emulators();
    expect(s.smokeTests!.probes).toEqual(expect.arrayContaining([...READY, 'riscv64']));
    for (const arch of READY) {
      expect(s.smokeTests!.results[arch]).toMatchObject({ arch, passed: true });
    }
    expect(s.smokeTests!.results.riscv64).toBeUndefined();
  });

  it('reuses the probe image while the probe is unchanged', async () => {
    const docker = t.app.engine.client();
    const before = await docker.getImage('localhost/archdeck-probe:arm64').inspect();
    expect(before.Architecture).toBe('arm64');
    expect((await smokeTest('arm64')).passed).toBe(true);
    expect((await docker.getImage('localhost/archdeck-probe:arm64').inspect()).Id).toBe(before.Id);
  });

  it('passes with a handler, then fails plainly when it is disabled or gone', async () => {
    const others = (await emulators()).entries.filter(
      (e) => e.platform === 'linux/riscv64' && e.enabled,
    );
    expect(
      others.map((e) => e.name),
      'another riscv64 handler would mask ours',
    ).toEqual([]);

    const reg = await t.api({
      method: 'POST',
      url: '/api/emulators',
      payload: { platform: 'linux/riscv64', interpreter: RISCV, flags: 'POF', name: NAME },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const ok = await smokeTest('riscv64');
    expect(ok, ok.failure ?? '').toMatchObject({ passed: true, failure: null });
    expect(ok.output).toContain('machine=riscv64 bits=64 endian=little');

    expect(
      (await t.api({ method: 'POST', url: `/api/emulators/${NAME}/disable` })).statusCode,
    ).toBe(204);
    const disabled = await smokeTest('riscv64');
    expect(disabled.passed).toBe(false);
    expect(disabled.output).toMatch(/exec format error/);
    expect(disabled.failure).toMatch(/^exec format error: .*linux\/riscv64/);
    expect(disabled.failure).toContain(NAME);
    expect(disabled.failure).toMatch(/disabled — enable it on the Emulators page/);
    expect((await emulators()).smokeTests!.results.riscv64).toMatchObject({ passed: false });

    expect((await t.api({ method: 'DELETE', url: `/api/emulators/${NAME}` })).statusCode).toBe(204);
    const gone = await smokeTest('riscv64');
    expect(gone.failure).toBe(
      'exec format error: no handler for linux/riscv64 — register one on the Emulators page',
    );
  });

  it('explains a handler without the F flag, which containers cannot use', async () => {
    const reg = await t.api({
      method: 'POST',
      url: '/api/emulators',
      payload: { platform: 'linux/riscv64', interpreter: RISCV, flags: 'PO', name: NO_F },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const result = await smokeTest('riscv64');
    expect(result.passed).toBe(false);
    expect(result.failure).toContain(
      `the handler ${NO_F} for linux/riscv64 cannot run inside containers`,
    );
    expect(result.failure).toContain('F flag');
    await writeFile(join(PROC, NO_F), '-1');
  });

  it.each(['vax', 'ARM64', 'linux', 'a'.repeat(40)])(
    'refuses the architecture %j with 400',
    async (arch) => {
      const res = await t.api({ method: 'POST', url: `/api/emulators/${arch}/test` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('bad_request');
    },
  );

  it('answers 409 with the build command when no probe is built', async () => {
    // loong64 is in the emulator table, but Debian bookworm has no compiler for it.
    const res = await t.api({ method: 'POST', url: '/api/emulators/loong64/test' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'no_probe',
      message: expect.stringContaining('bash scripts/build-probes.sh'),
      detail: { command: 'bash scripts/build-probes.sh loong64' },
    });

    const empty = await mkdtemp(join(tmpdir(), 'archdeck-probes-'));
    const bare = await buildTestApp({ podmanSocket: env.socket, probesDir: empty });
    try {
      const r = await bare.api({ method: 'POST', url: '/api/emulators/arm64/test' });
      expect(r.statusCode).toBe(409);
      expect(r.json().message).toContain(join(empty, 'probe-arm64'));
      const s = (await bare.api({ url: '/api/emulators' })).json() as Emulators;
      expect(s.smokeTests).toEqual({ probes: [], results: {} });
    } finally {
      await bare.app.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('reports a probe that does not finish in time as timed out', async () => {
    const impatient = new SmokeTestService({
      engine: t.app.engine,
      emulators: t.app.emulators,
      probesDir: t.config.probesDir,
      timeoutMs: 1,
    });
    const result = await impatient.test('s390x');
    expect(result).toMatchObject({ passed: false, failure: expect.stringMatching(/^timed out/) });
  });
});

describe('POST /api/emulators/test-all', () => {
  it('tests every container-ready and native platform with a probe, in turn', async () => {
    const res = await t.api({ method: 'POST', url: '/api/emulators/test-all' });
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json() as SmokeTestResult[];
    const byArch = new Map(results.map((r) => [r.arch, r]));
    for (const arch of READY) expect(byArch.get(arch), arch).toMatchObject({ passed: true });
    // No riscv64 handler is left, so it is not one of the platforms to test.
    expect(byArch.has('riscv64')).toBe(false);
    for (const r of results) timings.push(`${r.arch} (test-all): ${r.durationMs} ms`);
  });
});
