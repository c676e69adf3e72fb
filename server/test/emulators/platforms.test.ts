import { describe, expect, it } from 'vitest';
import { identFromMagic } from '../../src/emulators/entry.js';
import {
  ARCHES,
  archForIdent,
  archForPlatform,
  archForQemu,
  machineName,
} from '../../src/emulators/platforms.js';

// Every qemu-<arch>-static in Debian 12's qemu-user-static 7.2.
const QEMU_USER_STATIC = [
  'aarch64',
  'aarch64_be',
  'alpha',
  'arm',
  'armeb',
  'cris',
  'hexagon',
  'hppa',
  'i386',
  'loongarch64',
  'm68k',
  'microblaze',
  'microblazeel',
  'mips',
  'mips64',
  'mips64el',
  'mipsel',
  'mipsn32',
  'mipsn32el',
  'nios2',
  'or1k',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv32',
  'riscv64',
  's390x',
  'sh4',
  'sh4eb',
  'sparc',
  'sparc32plus',
  'sparc64',
  'x86_64',
  'xtensa',
  'xtensaeb',
];

describe('ARCHES', () => {
  it('lists every emulator qemu-user-static 7.2 ships, once', () => {
    expect(ARCHES.map((a) => a.qemuArch)).toEqual(QEMU_USER_STATIC);
  });

  it.each(ARCHES.map((a) => [a.qemuArch, a]))('%s: magic and mask fit together', (_, a) => {
    expect(a.mask.length).toBe(a.magic.length);
    expect(a.magic.length).toBeGreaterThanOrEqual(20);
  });

  it.each(ARCHES.map((a) => [a.qemuArch, a]))(
    '%s: its magic selects exactly its own ELF identity',
    (_, a) => {
      const selected = identFromMagic(a.magic, a.mask, 0);
      expect(selected?.ident).toEqual({
        class: a.class,
        byteOrder: a.byteOrder,
        machine: a.machine,
        machineName: machineName(a.machine),
      });
      expect(archForIdent(a, selected?.eFlags)).toBe(a);
    },
  );

  it('maps the OCI architectures and no others', () => {
    const platforms = Object.fromEntries(
      ARCHES.filter((a) => a.platform !== null).map((a) => [a.qemuArch, a.platform]),
    );
    expect(platforms).toEqual({
      x86_64: 'linux/amd64',
      i386: 'linux/386',
      aarch64: 'linux/arm64',
      arm: 'linux/arm',
      ppc64le: 'linux/ppc64le',
      ppc64: 'linux/ppc64',
      s390x: 'linux/s390x',
      riscv64: 'linux/riscv64',
      mips64el: 'linux/mips64le',
      mips64: 'linux/mips64',
      mipsel: 'linux/mipsle',
      mips: 'linux/mips',
      loongarch64: 'linux/loong64',
    });
  });
});

describe('machineName', () => {
  it.each([
    [183, 'AArch64'],
    [62, 'x86-64'],
    [3, 'Intel 80386'],
    [40, 'ARM'],
    [21, 'PowerPC64'],
    [22, 'IBM S/390'],
    [243, 'RISC-V'],
    [258, 'LoongArch'],
    [0x9026, 'Alpha'],
    [0x1234, 'unknown (0x1234)'],
    [7, 'unknown (0x0007)'],
  ])('%i is %s', (machine, name) => expect(machineName(machine)).toBe(name));

  it('names every machine in ARCHES', () => {
    expect(ARCHES.filter((a) => machineName(a.machine).startsWith('unknown'))).toEqual([]);
  });
});

describe('archForQemu', () => {
  it('finds by qemu name', () => {
    expect(archForQemu('aarch64')?.machine).toBe(183);
    expect(archForQemu('mipsn32el')?.byteOrder).toBe('little');
    expect(archForQemu('arm64')).toBeNull();
    expect(archForQemu('')).toBeNull();
  });
});

describe('archForPlatform', () => {
  it.each([
    ['linux/arm64', 'aarch64'],
    ['linux/arm64/v8', 'aarch64'],
    ['linux/aarch64', 'aarch64'],
    ['linux/arm', 'arm'],
    ['linux/arm/v7', 'arm'],
    ['linux/arm/v6', 'arm'],
    ['linux/armhf', 'arm'],
    ['linux/amd64', 'x86_64'],
    ['linux/amd64/v3', 'x86_64'],
    ['linux/x86_64', 'x86_64'],
    ['linux/386', 'i386'],
    ['linux/i686', 'i386'],
    ['linux/ppc64le', 'ppc64le'],
    ['linux/ppc64', 'ppc64'],
    ['linux/s390x', 's390x'],
    ['linux/riscv64', 'riscv64'],
    ['linux/mips64le', 'mips64el'],
    ['linux/mips64', 'mips64'],
    ['linux/mipsle', 'mipsel'],
    ['linux/mips', 'mips'],
    ['linux/loong64', 'loongarch64'],
    ['Linux/ARM64', 'aarch64'],
  ])('%s runs on qemu-%s', (platform, qemuArch) => {
    expect(archForPlatform(platform)?.qemuArch).toBe(qemuArch);
  });

  it.each([
    'linux/arm/v9',
    'linux/arm64/v7',
    'linux/s390x/v1',
    'linux/sparc64',
    'linux/wasm',
    'windows/amd64',
    'darwin/arm64',
    'arm64',
    'linux',
    'linux/',
    'linux/arm64/v8/extra',
    'linux/constructor',
    'linux/arm/constructor',
    'linux/__proto__/v1',
    '',
  ])('%j is no emulated platform', (platform) => {
    expect(archForPlatform(platform)).toBeNull();
  });
});

describe('archForIdent', () => {
  const mips = { class: 32, byteOrder: 'big', machine: 8 } as const;
  const mipsel = { ...mips, byteOrder: 'little' } as const;

  it('tells mips o32 from n32 by EF_MIPS_ABI2', () => {
    expect(archForIdent(mips)?.qemuArch).toBe('mips');
    expect(archForIdent(mips, 0x1007)?.qemuArch).toBe('mips');
    expect(archForIdent(mips, 0x20)?.qemuArch).toBe('mipsn32');
    expect(archForIdent(mips, 0x80000027)?.qemuArch).toBe('mipsn32');
    expect(archForIdent(mipsel, 0x20)?.qemuArch).toBe('mipsn32el');
    expect(archForIdent(mipsel, 0)?.qemuArch).toBe('mipsel');
  });

  it('tells 64-bit mips by class, whatever the flags', () => {
    expect(archForIdent({ ...mips, class: 64 }, 0x20)?.qemuArch).toBe('mips64');
    expect(archForIdent({ ...mipsel, class: 64 }, 0x80000007)?.qemuArch).toBe('mips64el');
  });

  it('tells byte orders and classes apart', () => {
    const ident = (c: 32 | 64, o: 'little' | 'big', machine: number) =>
      archForIdent({ class: c, byteOrder: o, machine })?.qemuArch;
    expect(ident(64, 'little', 183)).toBe('aarch64');
    expect(ident(64, 'big', 183)).toBe('aarch64_be');
    expect(ident(64, 'little', 21)).toBe('ppc64le');
    expect(ident(64, 'big', 21)).toBe('ppc64');
    expect(ident(32, 'big', 21)).toBeUndefined();
    expect(ident(32, 'little', 243)).toBe('riscv32');
    expect(ident(32, 'big', 0xbaab)).toBe('microblaze');
    expect(ident(32, 'little', 0xbaab)).toBe('microblazeel');
    expect(ident(64, 'little', 0x1234)).toBeUndefined();
  });
});
