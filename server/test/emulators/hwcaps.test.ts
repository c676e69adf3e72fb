import { describe, expect, it } from 'vitest';
import { parseCpuHelp } from '../../src/emulators/cpu-check.js';
import { cpuFeatures, parseProbeOutput, x86Level } from '../../src/emulators/hwcaps.js';

/** What the committed probes printed under qemu-user-static 7.2 (and natively on an EPYC). */
const REAL = {
  arm64Max:
    'archdeck-probe ok machine=aarch64 bits=64 endian=little hwcap=0xecfffffb hwcap2=0x7f877fff platform=aarch64',
  arm64A53:
    'archdeck-probe ok machine=aarch64 bits=64 endian=little hwcap=0x8fb hwcap2=0x0 platform=aarch64',
  amd64Default:
    'archdeck-probe ok machine=x86_64 bits=64 endian=little hwcap=0xfcbfbfd platform=x86_64 cpuid1c=0xfed8320b cpuid7b=0x1d843a9 cpuid7c=0x8001020c cpuidx1c=0x75',
  amd64Nehalem:
    'archdeck-probe ok machine=x86_64 bits=64 endian=little hwcap=0x78bfbfd platform=x86_64 cpuid1c=0x80982201 cpuid7b=0x0 cpuid7c=0x0 cpuidx1c=0x1',
  amd64Qemu64:
    'archdeck-probe ok machine=x86_64 bits=64 endian=little hwcap=0x78bfbfd platform=x86_64 cpuid1c=0x80002001 cpuid7b=0x0 cpuid7c=0x0 cpuidx1c=0x5',
  amd64Native:
    'archdeck-probe ok machine=x86_64 bits=64 endian=little hwcap=0x178bebff hwcap2=0x0 platform=x86_64 cpuid1c=0xfed83203 cpuid7b=0xf1bb03a9 cpuid7c=0x18005f42 cpuidx1c=0x440001f1',
  ppc64lePower10:
    'archdeck-probe ok machine=ppc64le bits=64 endian=little hwcap=0x58000580 hwcap2=0x8ee60000',
  ppc64lePower8:
    'archdeck-probe ok machine=ppc64le bits=64 endian=little hwcap=0x58000580 hwcap2=0x8e000000',
  s390x: 'archdeck-probe ok machine=s390x bits=64 endian=big hwcap=0x2b3f',
  armDefault:
    'archdeck-probe ok machine=armv7l bits=32 endian=little hwcap=0x1fb0d7 hwcap2=0x1f platform=v8l',
  riscv64: 'archdeck-probe ok machine=riscv64 bits=64 endian=little hwcap=0x112d',
  mips: 'archdeck-probe ok machine=mips bits=32 endian=big hwcap=0x0',
  // The smoke-test probe before it read the auxiliary vector.
  old: 'archdeck-probe ok machine=aarch64 bits=64 endian=little',
};

describe('parseProbeOutput', () => {
  it('reads the capability words, whichever the auxiliary vector has', () => {
    expect(parseProbeOutput(REAL.arm64Max)).toEqual({
      machine: 'aarch64',
      bits: 64,
      endian: 'little',
      hwcap: 0xecfffffbn,
      hwcap2: 0x7f877fffn,
      platform: 'aarch64',
      cpuid: null,
    });
    expect(parseProbeOutput(REAL.s390x)).toMatchObject({
      hwcap: 0x2b3fn,
      hwcap2: null,
      platform: null,
    });
    expect(parseProbeOutput(REAL.amd64Nehalem)?.cpuid).toEqual({
      leaf1c: 0x80982201,
      leaf7b: 0,
      leaf7c: 0,
      ext1c: 1,
    });
    expect(parseProbeOutput(REAL.old)).toMatchObject({
      machine: 'aarch64',
      hwcap: null,
      cpuid: null,
    });
  });

  it('finds the line among qemu’s warnings and the container’s log framing', () => {
    const framed = `\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u004bqemu-x86_64-static: warning: TCG doesn't support requested feature: CPUID.01H:ECX.pcid [bit 17]\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0090${REAL.amd64Default}\n`;
    expect(parseProbeOutput(framed)?.cpuid?.leaf7b).toBe(0x1d843a9);
    expect(parseProbeOutput('exec /probe: exec format error')).toBeNull();
  });
});

describe('cpuFeatures', () => {
  const features = (arch: string, line: string) => cpuFeatures(arch, parseProbeOutput(line)!);

  it('x86: the x86-64 level as glibc decides it; AVX2 only from v3', () => {
    expect(features('x86_64', REAL.amd64Default)).toMatchObject({ isa: 'x86-64-v3' });
    expect(features('x86_64', REAL.amd64Default).features).toContain('avx2');
    expect(features('x86_64', REAL.amd64Nehalem)).toMatchObject({ isa: 'x86-64-v2' });
    expect(features('x86_64', REAL.amd64Qemu64)).toMatchObject({ isa: 'x86-64-v1' });
    expect(features('x86_64', REAL.amd64Qemu64).features).not.toContain('avx2');
    expect(features('x86_64', REAL.amd64Native)).toMatchObject({ isa: 'x86-64-v4' });
    // qemu's default with OSXSAVE cleared: AVX2 is there, but the OS would not save its state.
    const cpuid = parseProbeOutput(REAL.amd64Default)!.cpuid!;
    expect(x86Level(cpuid)).toBe(3);
    expect(x86Level({ ...cpuid, leaf1c: cpuid.leaf1c & ~(1 << 27) })).toBe(2);
  });

  it('aarch64: pointer authentication, SVE and LSE atomics by their bits', () => {
    expect(features('aarch64', REAL.arm64Max).features).toEqual(
      expect.arrayContaining(['atomics', 'sve', 'paca', 'pacg', 'sve2', 'bti', 'mte']),
    );
    expect(features('aarch64', REAL.arm64A53).features).toEqual(['aes', 'crc32']);
  });

  it('ppc64le, s390x, arm, riscv64: the ISA level or the extensions', () => {
    expect(features('ppc64le', REAL.ppc64lePower10)).toMatchObject({
      isa: 'Power ISA 3.1 (POWER10)',
    });
    expect(features('ppc64le', REAL.ppc64lePower8)).toMatchObject({
      isa: 'Power ISA 2.07 (POWER8)',
    });
    expect(features('ppc64le', REAL.ppc64lePower10).features).toContain('mma');
    expect(features('s390x', REAL.s390x).features).toEqual(['vx', 'vxe']);
    expect(features('arm', REAL.armDefault)).toMatchObject({ isa: 'Armv8-A, 32-bit' });
    expect(features('riscv64', REAL.riscv64)).toEqual({
      isa: 'rv64imafdc',
      features: ['i', 'm', 'a', 'f', 'd', 'c'],
    });
    expect(features('mips', REAL.mips)).toEqual({ isa: null, features: [] });
  });
});

describe('parseCpuHelp', () => {
  it('reads the model names of each architecture’s format, and stops at the feature flags', () => {
    const aarch64 = 'Available CPUs:\n  a64fx\n  cortex-a53\n  max\n';
    expect([...parseCpuHelp(aarch64)]).toEqual(['a64fx', 'cortex-a53', 'max']);
    const x86 =
      'Available CPUs:\nx86 486                   (alias configured by machine type)\nx86 Haswell-v1            Intel Core Processor (Haswell)\nx86 qemu64                QEMU Virtual CPU version 2.5+\n\nRecognized CPUID flags:\n  3dnow 3dnowext\n';
    expect([...parseCpuHelp(x86)]).toEqual(['486', 'haswell-v1', 'qemu64']);
    const ppc =
      'PowerPC power9_v2.0      PVR 004e1200\nPowerPC power9           (alias for power9_v2.0)\n';
    expect([...parseCpuHelp(ppc)]).toEqual(['power9_v2.0', 'power9']);
    const s390 =
      's390 qemu            QEMU Virtual CPU version 2.5+       (migration-safe)\ns390 z14             IBM z14 GA1                         (migration-safe)\n\nRecognized feature flags:\nesan3                Instructions marked as n3\n';
    expect([...parseCpuHelp(s390)]).toEqual(['qemu', 'z14']);
    expect([...parseCpuHelp('any\nrv64\nsifive-u54\n')]).toEqual(['any', 'rv64', 'sifive-u54']);
  });
});
