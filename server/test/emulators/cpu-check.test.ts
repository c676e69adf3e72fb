/**
 * The CPU model check against a qemu that behaves as told: a shell script in qemu's place (the
 * check runs whatever qemu-<arch>-static the host has, and only that), so every way a model
 * can fail is produced on purpose: a name `-cpu help` lacks, an exit with qemu's message,
 * warnings at start, a guest that dies of SIGILL. And a changed qemu is checked again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BinfmtFs } from '../../src/emulators/binfmt-fs.js';
import { CpuModelsService } from '../../src/emulators/cpu-check.js';
import { EmulatorsService } from '../../src/emulators/emulators.js';
import { AppError } from '../../src/lib/errors.js';

const PROBES = fileURLToPath(new URL('../../probes/bin', import.meta.url));
const MAX =
  'archdeck-probe ok machine=aarch64 bits=64 endian=little hwcap=0xecfffffb hwcap2=0x7f877fff';
const A53 = 'archdeck-probe ok machine=aarch64 bits=64 endian=little hwcap=0x8fb hwcap2=0x0';

/** A stand-in qemu-aarch64-static: `models` is what -cpu help lists. */
const fakeQemu = (models: string[]) => `#!/bin/sh
if [ "$1" = "-cpu" ]; then printf 'Available CPUs:\\n'; printf '  %s\\n' ${models.join(' ')}; exit 0; fi
case "$QEMU_CPU" in
  "") echo "${MAX}" ;;
  cortex-a53|cortex-a72) echo "${A53}" ;;
  max,pauth-impdef=on) echo "qemu-aarch64-static: warning: TCG doesn't support requested feature" >&2; echo "${MAX}" ;;
  max,sve=off) kill -ILL $$ ;;
  *) echo "qemu-aarch64-static: unable to find CPU model '$QEMU_CPU'" >&2; exit 1 ;;
esac
`;

let dir: string;
let qemu: string;
let service: CpuModelsService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-cpucheck-'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'binfmt_misc'));
  qemu = join(dir, 'bin', 'qemu-aarch64-static');
  await writeFile(qemu, fakeQemu(['cortex-a53', 'max']));
  await chmod(qemu, 0o755);
  const emulators = new EmulatorsService({
    fs: new BinfmtFs(join(dir, 'binfmt_misc')),
    confDirs: [join(dir, 'binfmt.d')],
    hostArch: 'amd64',
    isRoot: false,
    discovery: { wrappers: join(dir, 'none'), bin: join(dir, 'bin'), templates: [] },
  });
  service = new CpuModelsService({ emulators, probesDir: PROBES, timeoutMs: 5000 });
});

afterAll(async () => {
  service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CpuModelsService', () => {
  it('offers what passes, and says why each other model is not offered', async () => {
    const arm64 = await service.list('arm64');
    expect(arm64).toMatchObject({ platform: 'linux/arm64', run: 'unavailable', note: null });
    expect(arm64.qemu?.path).toBe(qemu);
    expect(arm64.models.map((m) => [m.value, m.hwcap])).toEqual([
      [null, '0xecfffffb'],
      ['cortex-a53', '0x8fb'],
    ]);
    // The suggested model failed here, so nothing is suggested.
    expect(arm64.suggested).toBeNull();
    const why = Object.fromEntries(arm64.rejected.map((r) => [r.value, r.reason]));
    expect(why['max,pauth-impdef=on']).toMatch(
      /^qemu printed 1 warning as the probe started \(“qemu-aarch64-static: warning: TCG/,
    );
    expect(why['neoverse-n1']).toBe('qemu-aarch64-static has no CPU model named “neoverse-n1”');
    expect(why['max,sve=off']).toMatch(/^the probe stopped with an illegal instruction \(SIGILL\)/);
  });

  it('refuses a model it does not offer with the choices, and any model for a native platform', async () => {
    const refused = await service.choose('linux/arm64', 'max,sve=off').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      statusCode: 400,
      code: 'invalid_cpu',
      detail: { choices: ['cortex-a53'] },
    });
    expect((refused as AppError).message).toContain('SIGILL');
    expect(await service.choose('linux/arm64', 'cortex-a53')).toEqual({
      value: 'cortex-a53',
      title: 'Cortex-A53 (Raspberry Pi 3, many small boards)',
    });
    await expect(service.choose('linux/amd64', 'qemu64')).rejects.toMatchObject({
      code: 'cpu_not_emulated',
    });
  });

  it('checks a changed qemu again', async () => {
    await writeFile(qemu, fakeQemu(['cortex-a53', 'cortex-a72', 'max']));
    const arm64 = await service.list('arm64');
    // The table's order: cortex-a72 comes before cortex-a53.
    expect(arm64.models.map((m) => m.value)).toEqual([null, 'cortex-a72', 'cortex-a53']);
  });

  it('without a qemu, only the default, and says so', async () => {
    const s390x = await service.list('s390x');
    expect(s390x.qemu).toBeNull();
    expect(s390x.models.map((m) => m.value)).toEqual([null]);
    expect(s390x.note).toContain('no qemu-s390x is installed');
    expect(s390x.rejected).toEqual([expect.objectContaining({ value: 'z14' })]);
  });
});
