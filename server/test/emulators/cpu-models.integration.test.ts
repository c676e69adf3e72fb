/**
 * Emulated CPU models: the table checked against the installed qemu-user-static (GET
 * /api/emulators/:arch/cpus), and real runs with each offered model through the daemon and
 * podman, their effect read back by the probe (AT_HWCAP/AT_HWCAP2 from the auxiliary vector).
 * amd64 is native on this host, so its models are seen in the check's own runs of
 * qemu-x86_64-static, and a run refuses a model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerSummary, CpuModel, CpuModels } from '@archdeck/shared';
import { hexWord, parseProbeOutput, type ProbeReport } from '../../src/emulators/hwcaps.js';
import { arrangeBinfmt, type BinfmtArrangement } from '../binfmt-state.js';
import {
  buildTestApp,
  podmanCli,
  podmanClient,
  startContainer,
  testEnv,
  type TestApp,
} from '../helper.js';

const env = testEnv();
const BIN = fileURLToPath(new URL('../../probes/bin', import.meta.url));
const REPO = `localhost/archdeck-test-cpumodels-${randomBytes(3).toString('hex')}/probe`;
let t: TestApp;
const created: string[] = [];

const cpus = async (arch: string) => {
  const res = await t.api({ url: `/api/emulators/${arch}/cpus` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as CpuModels;
};
const byValue = (list: CpuModels, value: string | null): CpuModel => {
  const m = list.models.find((x) => x.value === value);
  if (!m) throw new Error(`${list.arch}: ${value ?? 'default'} is not offered`);
  return m;
};
const bit = (word: string | bigint | null, n: number) =>
  ((BigInt(word ?? 0) >> BigInt(n)) & 1n) === 1n;

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
});

afterAll(async () => {
  for (const id of created) await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
  await t.app.close();
});

describe('GET /api/emulators/:arch/cpus: checked against the installed qemu', () => {
  it('arm64: pointer authentication with max, none with cortex-a53; the fast max suggested', async () => {
    const arm64 = await cpus('arm64');
    expect(arm64).toMatchObject({ platform: 'linux/arm64', suggested: 'max,pauth-impdef=on' });
    expect(arm64.qemu?.path).toMatch(/qemu-aarch64(-static)?$/);
    expect(arm64.models.map((m) => m.value)).toEqual([
      null,
      'max,pauth-impdef=on',
      'neoverse-n1',
      'cortex-a72',
      'cortex-a53',
      'max,sve=off',
    ]);
    const max = byValue(arm64, null);
    const a53 = byValue(arm64, 'cortex-a53');
    // HWCAP_PACA (30), HWCAP_PACG (31), HWCAP_ATOMICS (8), HWCAP_SVE (22).
    for (const n of [30, 31, 8, 22]) expect(bit(max.hwcap, n), `bit ${n}`).toBe(true);
    for (const n of [30, 31, 8, 22]) expect(bit(a53.hwcap, n), `bit ${n}`).toBe(false);
    expect(max.features).toEqual(expect.arrayContaining(['paca', 'pacg', 'sve', 'sve2', 'bti']));
    expect(a53.features).not.toContain('paca');
    expect(byValue(arm64, 'max,sve=off').features).not.toContain('sve');
    expect(byValue(arm64, 'max,pauth-impdef=on')).toMatchObject({ suggested: true });
    expect(max.speed).toMatch(/9× slower/);
  });

  it('amd64: AVX2 (x86-64-v3) by default, v2 with Nehalem, v1 with qemu64; no v3 name, Haswell or v4', async () => {
    const amd64 = await cpus('amd64');
    expect(amd64.run).toBe('native');
    expect(amd64.note).toMatch(/runs natively on this host: .* own CPU \(x86-64-v\d\)/);
    const level = (value: string | null) => byValue(amd64, value).isa;
    expect([level(null), level('max'), level('Nehalem'), level('qemu64')]).toEqual([
      'x86-64-v3',
      'x86-64-v3',
      'x86-64-v2',
      'x86-64-v1',
    ]);
    expect(byValue(amd64, null).features).toContain('avx2');
    expect(byValue(amd64, 'qemu64').features).not.toContain('avx2');
    const why = Object.fromEntries(amd64.rejected.map((r) => [r.value, r.reason]));
    expect(Object.keys(why).sort()).toEqual(['Haswell', 'Skylake-Server', 'x86-64-v3']);
    expect(why['x86-64-v3']).toContain('has no CPU model named “x86-64-v3”');
    expect(why.Haswell).toMatch(/qemu printed \d+ warnings .* at the start of every program/);
    expect(why['Skylake-Server']).toMatch(/gives x86-64-v3 all the same.*cannot be emulated/);
  });

  it('ppc64le: POWER8, 9 and 10 by their ISA bits; no max', async () => {
    const ppc = await cpus('ppc64le');
    expect(ppc.models.map((m) => [m.value, m.isa])).toEqual([
      [null, 'Power ISA 3.0 (POWER9)'],
      ['power8', 'Power ISA 2.07 (POWER8)'],
      ['power10', 'Power ISA 3.1 (POWER10)'],
    ]);
    expect(ppc.rejected).toEqual([
      expect.objectContaining({
        value: 'max',
        reason: expect.stringContaining('no CPU model named “max”'),
      }),
    ]);
  });

  it('s390x: only the default; a named z model refused in qemu’s words', async () => {
    const s390x = await cpus('s390x');
    expect(s390x.models.map((m) => m.value)).toEqual([null]);
    expect(byValue(s390x, null).features).toEqual(expect.arrayContaining(['vx', 'vxe']));
    expect(s390x.rejected[0]).toMatchObject({ value: 'z14' });
    expect(s390x.rejected[0]!.reason).toMatch(/qemu refused it \(exit 1\): “.*not available/);
  });

  it('an architecture without a table offers the default; an unknown one is a 400', async () => {
    expect((await cpus('mips64le')).models.map((m) => m.value)).toEqual([null]);
    const res = await t.api({ url: '/api/emulators/vax/cpus' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('arm64');
  });
});

describe('runs with each offered model', () => {
  let binfmt: BinfmtArrangement | undefined;
  let dir: string;
  const ARCHES = ['arm64', 'ppc64le', 's390x'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archdeck-cpumodels-'));
    binfmt = await arrangeBinfmt({ ready: ARCHES.map((a) => `linux/${a}`) });
  });

  /**
   * The probe in a FROM scratch image: nothing in it but what reads the bits. Built just before
   * its runs, as other test runs on this podman may clear the image store meanwhile.
   */
  async function probeImage(arch: string): Promise<string> {
    const ctx = join(dir, arch);
    await mkdir(ctx, { recursive: true });
    await copyFile(join(BIN, `probe-${arch}`), join(ctx, 'probe'));
    await writeFile(
      join(ctx, 'Containerfile'),
      'FROM scratch\nCOPY probe /probe\nENTRYPOINT ["/probe"]\n',
    );
    const tag = `${REPO}:${arch}`;
    await podmanCli('build', '--no-cache', '-q', '--platform', `linux/${arch}`, '-t', tag, ctx);
    return tag;
  }

  afterAll(async () => {
    try {
      await rm(dir, { recursive: true, force: true });
      for (const arch of ARCHES)
        await podmanCli('rmi', '--force', `${REPO}:${arch}`).catch(() => undefined);
    } finally {
      await binfmt?.restore();
    }
  });

  async function runProbe(image: string, arch: string, cpu: string | null) {
    const { id } = await startContainer(t, {
      image,
      platform: `linux/${arch}`,
      ...(cpu ? { cpu } : {}),
    });
    created.push(id);
    await expect
      .poll(
        async () =>
          ((await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary).state,
        {
          timeout: 60_000,
        },
      )
      .toBe('exited');
    const c = (await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary;
    const docker = podmanClient();
    const logs = (await docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true })) as unknown as Buffer;
    const inspect = (await docker.getContainer(id).inspect()) as {
      Config: { Env: string[] | null };
    };
    return { c, report: parseProbeOutput(logs.toString('latin1')), env: inspect.Config.Env ?? [] };
  }

  it.each(ARCHES)('%s: each model’s bits, seen by the probe in its container', async (arch) => {
    const list = await cpus(arch);
    const image = await probeImage(arch);
    const seen = new Map<string | null, ProbeReport>();
    for (const m of list.models) {
      const { c, report, env: cenv } = await runProbe(image, arch, m.value);
      expect(c).toMatchObject({ exitCode: 0, badge: { run: 'emulated' } });
      expect(c.cpu).toEqual(m.value === null ? null : { value: m.value, title: m.title });
      // QEMU_CPU only when a model was chosen: binfmt_misc hands it to qemu.
      expect(cenv.filter((v) => v.startsWith('QEMU_CPU='))).toEqual(
        m.value ? [`QEMU_CPU=${m.value}`] : [],
      );
      expect(report, `${arch} ${m.value}`).not.toBeNull();
      // The container saw what the check saw.
      expect([hexWord(report!.hwcap), hexWord(report!.hwcap2)]).toEqual([m.hwcap, m.hwcap2]);
      seen.set(m.value, report!);
    }
    const hw = (value: string | null) => seen.get(value)!.hwcap;
    const hw2 = (value: string | null) => seen.get(value)!.hwcap2;
    if (arch === 'arm64') {
      // PACA and PACG: pointer authentication with max, not with a Cortex-A53 or Neoverse N1.
      for (const n of [30, 31]) {
        expect(bit(hw(null), n)).toBe(true);
        expect(bit(hw('max,pauth-impdef=on'), n)).toBe(true);
        expect(bit(hw('cortex-a53'), n)).toBe(false);
        expect(bit(hw('neoverse-n1'), n)).toBe(false);
      }
      // LSE atomics (8) from Armv8.1: the N1 has them, the A72 has not; SVE (22) off on request.
      expect([bit(hw('neoverse-n1'), 8), bit(hw('cortex-a72'), 8)]).toEqual([true, false]);
      expect([bit(hw(null), 22), bit(hw('max,sve=off'), 22)]).toEqual([true, false]);
    } else if (arch === 'ppc64le') {
      // PPC_FEATURE2_ARCH_3_1 (bit 18) only on POWER10, ARCH_3_00 (bit 23) from POWER9.
      expect([null, 'power8', 'power10'].map((v) => bit(hw2(v), 18))).toEqual([false, false, true]);
      expect([null, 'power8', 'power10'].map((v) => bit(hw2(v), 23))).toEqual([true, false, true]);
    } else {
      // HWCAP_S390_VXRS (11) and VXRS_EXT (13): the vector facility of qemu's model.
      expect([bit(hw(null), 11), bit(hw(null), 13)]).toEqual([true, true]);
    }
  });

  it('a model qemu lacks is refused with a 400 listing the choices; nothing is created', async () => {
    const name = `archdeck-test-cpumodels-${randomBytes(3).toString('hex')}`;
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: `${REPO}:ppc64le`, platform: 'linux/ppc64le', cpu: 'max', name },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'invalid_cpu',
      detail: { choices: ['power8', 'power10'] },
    });
    expect(res.json().message).toMatch(
      /“max” is not a CPU model archdeck can use for linux\/ppc64le: .*no CPU model named “max”.* Choose one of power8, power10, or leave it out/,
    );
    const unknown = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: `${REPO}:arm64`, platform: 'linux/arm64', cpu: 'cortex-a999', name },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain(
      'Choose one of max,pauth-impdef=on, neoverse-n1, cortex-a72, cortex-a53, max,sve=off',
    );
    const list = (await t.api({ url: '/api/containers' })).json() as ContainerSummary[];
    expect(list.some((c) => c.name === name)).toBe(false);
  });
});

describe('what a run refuses', () => {
  it('a CPU model for a platform this host runs natively', async () => {
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: env.image, platform: 'linux/amd64', cpu: 'qemu64' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'cpu_not_emulated' });
    expect(res.json().message).toContain('linux/amd64 runs natively on this host');
  });

  it('QEMU_CPU in the environment, which would skip the check', async () => {
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: env.image, platform: 'linux/ppc64le', env: ['QEMU_CPU=max'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('not QEMU_CPU in the environment');
  });
});
