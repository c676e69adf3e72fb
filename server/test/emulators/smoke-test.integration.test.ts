/**
 * Smoke tests against the real private podman service and the real binfmt_misc: every
 * committed probe (server/probes/bin) runs FROM scratch as its platform, through the daemon.
 * Each part arranges the handlers it needs (test/binfmt-state.ts) and puts the host's back:
 * the test environment registers four qemu handlers, an ordinary host every one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Emulators, SmokeTestResult } from '@archdeck/shared';
import { SmokeTestService } from '../../src/emulators/smoke-test.js';
import { archForPlatform } from '../../src/emulators/platforms.js';
import { arrangeBinfmt, PROC, type BinfmtArrangement } from '../binfmt-state.js';
import { buildTestApp, testEnv, type TestApp, podmanClient } from '../helper.js';

const run = promisify(execFile);
const RISCV = '/usr/libexec/qemu-binfmt/riscv64-binfmt-P';
const NAME = `archdeck-test-${randomBytes(4).toString('hex')}`;
const NO_F = `${NAME}-noF`;
const BIN = fileURLToPath(new URL('../../probes/bin/', import.meta.url));
/** What `uname -m` says under each emulator (qemu-user reports its guest CPU). */
const MACHINE: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64',
  mips64: 'mips64',
  mipsle: 'mips',
  mips: 'mips',
};
/** Run by this x86-64 host's kernel, not by qemu (and 386 only when it has IA32 support). */
const NATIVE = ['amd64', '386'];

const env = testEnv();
let t: TestApp;
let probes: string[];
/** Every probe but the native ones: each gets a qemu handler usable in containers. */
let emulated: string[];
let i386Runs: boolean;
const timings: string[] = [];

async function smokeTest(arch: string): Promise<SmokeTestResult> {
  const res = await t.api({ method: 'POST', url: `/api/emulators/${arch}/test` });
  expect(res.statusCode, res.body).toBe(200);
  const result = res.json() as SmokeTestResult;
  timings.push(`${arch}: ${result.durationMs} ms ${result.passed ? 'pass' : 'FAIL'}`);
  return result;
}

const emulators = async () => (await t.api({ url: '/api/emulators' })).json() as Emulators;

/** The line a probe prints when it ran as its platform. */
function probeLine(arch: string): string {
  const info = archForPlatform(`linux/${arch}`)!;
  return `archdeck-probe ok machine=${MACHINE[arch]} bits=${info.class} endian=${info.byteOrder}`;
}

beforeAll(async () => {
  probes = (await readdir(BIN))
    .flatMap((n) => (n.startsWith('probe-') ? [n.slice('probe-'.length)] : []))
    .sort();
  emulated = probes.filter((arch) => !NATIVE.includes(arch));
  // The kernel's answer decides what the daemon can expect of linux/386 on this host.
  i386Runs = await run(join(BIN, 'probe-386')).then(
    () => true,
    () => false,
  );
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  // The engine connects in the background once the app is ready; health() waits for it.
  expect((await t.app.engine.health()).reachable).toBe(true);
});

afterAll(async () => {
  // The probe images are cheap to rebuild; later tests start from the store they expect.
  const docker = podmanClient();
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
});

describe('every committed probe, FROM scratch under its emulator', () => {
  let binfmt: BinfmtArrangement | undefined;
  beforeAll(async () => {
    binfmt = await arrangeBinfmt({ ready: emulated.map((arch) => `linux/${arch}`) });
  });
  afterAll(() => binfmt?.restore());

  it('covers every platform Debian can cross-compile for', () => {
    expect(emulated).toEqual(
      Object.keys(MACHINE)
        .filter((arch) => !NATIVE.includes(arch))
        .sort(),
    );
  });

  it.each(Object.keys(MACHINE))('passes for %s', async (arch) => {
    const result = await smokeTest(arch);
    expect(result, result.failure ?? '').toMatchObject({
      arch,
      platform: `linux/${arch}`,
      passed: true,
      failure: null,
    });
    expect(result.output).toContain(probeLine(arch));
    expect(result.durationMs).toBeGreaterThan(0);
    expect(Date.parse(result.testedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('386: passes where the kernel runs i386 binaries, else names the kernel', async () => {
    const result = await smokeTest('386');
    if (i386Runs) {
      expect(result, result.failure ?? '').toMatchObject({ passed: true, failure: null });
      expect(result.output).toMatch(/machine=(i[3-6]86|x86_64) bits=32 endian=little/);
    } else {
      // No IA32 emulation in this kernel, and the daemon counts linux/386 as native on amd64.
      expect(result.failure).toMatch(/^exec format error: this host should run linux\/386/);
    }
  });

  it('keeps the last result per architecture in GET /api/emulators', async () => {
    const s = await emulators();
    expect(s.smokeTests!.probes).toEqual(probes);
    for (const arch of Object.keys(MACHINE)) {
      expect(s.smokeTests!.results[arch]).toMatchObject({ arch, passed: true });
    }
  });

  it('reuses the probe image while the probe is unchanged', async () => {
    const docker = podmanClient();
    const before = await docker.getImage('localhost/archdeck-probe:arm64').inspect();
    expect(before.Architecture).toBe('arm64');
    expect((await smokeTest('arm64')).passed).toBe(true);
    expect((await docker.getImage('localhost/archdeck-probe:arm64').inspect()).Id).toBe(before.Id);
  });

  it('POST /api/emulators/test-all tests every container-ready and native platform, in turn', async () => {
    const res = await t.api({ method: 'POST', url: '/api/emulators/test-all' });
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json() as SmokeTestResult[];
    for (const r of results) timings.push(`${r.arch} (test-all): ${r.durationMs} ms`);
    const byArch = new Map(results.map((r) => [r.arch, r]));
    expect([...byArch.keys()].sort()).toEqual(probes);
    for (const arch of Object.keys(MACHINE)) {
      expect(byArch.get(arch), arch).toMatchObject({ passed: true });
    }
    expect(byArch.get('386')?.passed).toBe(i386Runs);
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

describe('riscv64 with a handler of the test’s own, and with none', () => {
  let binfmt: BinfmtArrangement | undefined;
  beforeAll(async () => {
    binfmt = await arrangeBinfmt({ absent: ['linux/riscv64'] });
  });
  afterAll(async () => {
    try {
      for (const name of [NAME, NO_F]) {
        if ((await readdir(PROC)).includes(name)) {
          await t.api({ method: 'DELETE', url: `/api/emulators/${name}` });
        }
      }
    } finally {
      await binfmt?.restore();
    }
  });

  it('passes with a handler, then fails plainly when it is disabled or gone', async () => {
    expect((await emulators()).entries.filter((e) => e.platform === 'linux/riscv64')).toEqual([]);

    const reg = await t.api({
      method: 'POST',
      url: '/api/emulators',
      payload: { platform: 'linux/riscv64', interpreter: RISCV, flags: 'POF', name: NAME },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const ok = await smokeTest('riscv64');
    expect(ok, ok.failure ?? '').toMatchObject({ passed: true, failure: null });
    expect(ok.output).toContain(probeLine('riscv64'));

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
    // Without a handler riscv64 is not a platform that should run, so test-all leaves it out.
    const all = (await t.api({ method: 'POST', url: '/api/emulators/test-all' })).json();
    expect((all as SmokeTestResult[]).map((r) => r.arch)).not.toContain('riscv64');
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
  });
});

describe('POST /api/emulators/:arch/test refusals', () => {
  it.each(['vax', 'ARM64', 'linux', 'a'.repeat(40)])(
    'refuses the architecture %j with 400',
    async (arch) => {
      const res = await t.api({ method: 'POST', url: `/api/emulators/${arch}/test` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('bad_request');
    },
  );

  it('answers 409 with the rebuild command when there is no probe', async () => {
    // loong64 is in the emulator table, but Debian bookworm has no compiler for it.
    const res = await t.api({ method: 'POST', url: '/api/emulators/loong64/test' });
    expect(res.statusCode).toBe(409);
    const command = `bash scripts/build-probes.sh --install --out ${t.config.probesDir}`;
    expect(res.json()).toMatchObject({
      code: 'no_probe',
      message: expect.stringContaining(command),
      detail: { command },
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
});
