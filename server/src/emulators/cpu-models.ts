/**
 * The CPU models archdeck offers per emulated architecture: the QEMU_CPU values that work with
 * qemu-user-static 7.2, what each is for in plain words, and the ones people reach for that
 * do not work, with why. Beside the architecture table (platforms.ts) because it is one too.
 *
 * QEMU_CPU is qemu's `-cpu` as an environment variable. binfmt_misc hands the container's
 * environment to the emulator, so it applies to every emulated program in the container; it
 * is only ever set for a container of the model's own architecture (a global one broke
 * riscv64, which has no `max`: docker/for-mac#5699).
 *
 * Nothing here is trusted blindly: cpu-check.ts runs each model against the installed qemu at
 * start (`-cpu help`, then the probe) and offers only those that pass; `trap` entries are
 * checked the same way, so a newer qemu that fixes one offers it.
 */

export interface CpuModelDef {
  /** The QEMU_CPU value; null for qemu's own default (no variable set). */
  value: string | null;
  title: string;
  /** What it is and what to choose it for, in plain words. */
  description: string;
  /** The instruction-set level, where the probe's capability bits cannot tell it. */
  isa?: string;
  speed?: string;
  /**
   * A value people reach for that qemu 7.2 refuses or spoils: never offered unless the
   * installed qemu passes it; this says what to know when it fails.
   */
  trap?: string;
}

export interface ArchCpuTable {
  qemuArch: string;
  /** Preselected in the run dialog, where qemu's default is a poor choice. */
  suggested?: string;
  models: CpuModelDef[];
}

const PAUTH_SPEED =
  'Code built with branch protection (-mbranch-protection=standard, pointer authentication) runs about 9× slower than with max,pauth-impdef=on (measured: 1100–1208 ms against 126 ms for the same program).';

const CPU_TABLES: readonly ArchCpuTable[] = [
  {
    qemuArch: 'x86_64',
    models: [
      {
        value: null,
        title: 'Default (max)',
        description:
          'What qemu-x86_64 7.2 emulates without a setting: everything it can, up to x86-64-v3 (AVX2, BMI2, FMA). Binaries built for x86-64-v2 or v3 run as they are.',
      },
      {
        value: 'max',
        title: 'max',
        description:
          'Everything qemu emulates: the same as the default on qemu 7.2. Choose it with an older qemu-user-static, whose default is qemu64 (x86-64-v1).',
      },
      {
        value: 'Nehalem',
        title: 'x86-64-v2 baseline (Nehalem)',
        description:
          'An Intel Core i7 of 2008: SSE4.2 and POPCNT, no AVX. Checks that a binary runs on x86-64-v2 machines, the baseline of RHEL 9 and its rebuilds.',
      },
      {
        value: 'qemu64',
        title: 'x86-64-v1 baseline (qemu64)',
        description:
          'The first 64-bit x86 CPUs: SSE2, none of SSE3 to AVX. Checks that a binary still runs on the oldest x86-64 machines, the baseline Debian and Ubuntu build for.',
      },
      {
        value: 'x86-64-v3',
        title: 'x86-64-v3',
        description: 'An x86-64 micro-architecture level, asked for as a CPU model.',
        trap: 'The x86-64 levels are not CPU models: the default already gives x86-64-v3, Nehalem v2 and qemu64 v1.',
      },
      {
        value: 'Haswell',
        title: 'Haswell',
        description: 'A named Intel model, often suggested for AVX2.',
        trap: 'Named models with features qemu cannot emulate (Haswell, Skylake, EPYC…) warn about each one. The default has Haswell’s AVX2 without a warning.',
      },
      {
        value: 'Skylake-Server',
        title: 'x86-64-v4 (Skylake-Server)',
        description: 'A model with AVX-512, asked for to reach x86-64-v4.',
        trap: 'x86-64-v4 (AVX-512) cannot be emulated: qemu 7.2 does not implement AVX-512, so no model gives it. A binary that needs v4 needs a real CPU with AVX-512.',
      },
    ],
  },
  {
    qemuArch: 'aarch64',
    suggested: 'max,pauth-impdef=on',
    models: [
      {
        value: null,
        title: 'Default (max)',
        description:
          'Everything qemu-aarch64 emulates (SVE2, pointer authentication, BTI, MTE), with pointer authentication computed by the architected QARMA algorithm, which is slow to emulate.',
        isa: 'Armv8.5-A and later features',
        speed: PAUTH_SPEED,
      },
      {
        value: 'max,pauth-impdef=on',
        title: 'max, fast pointer authentication',
        description:
          'The same features as the default, with qemu’s own pointer-authentication algorithm instead of QARMA. Programs cannot tell: signed pointers are only ever checked by the same CPU that signed them.',
        isa: 'Armv8.5-A and later features',
        speed:
          'The fastest choice for code built with branch protection; no slower than the default for any other code.',
      },
      {
        value: 'neoverse-n1',
        title: 'Neoverse N1 (AWS Graviton2, Ampere Altra)',
        description:
          'Armv8.2-A: LSE atomics, dot product, half-precision floats; no SVE and no pointer authentication. Checks that a binary runs on those servers.',
        isa: 'Armv8.2-A',
      },
      {
        value: 'cortex-a72',
        title: 'Cortex-A72 (Raspberry Pi 4)',
        description:
          'Armv8.0-A: no LSE atomics, no SVE. A binary built for Armv8.1 or later stops with SIGILL (illegal instruction), as it would on a Pi 4.',
        isa: 'Armv8.0-A',
      },
      {
        value: 'cortex-a53',
        title: 'Cortex-A53 (Raspberry Pi 3, many small boards)',
        description:
          'Armv8.0-A, the same instructions as the Cortex-A72 (qemu emulates what a CPU can do, not how fast it does it).',
        isa: 'Armv8.0-A',
      },
      {
        value: 'max,sve=off',
        title: 'max without SVE',
        description:
          'Everything of max except the Scalable Vector Extension: tests the code paths taken on CPUs without it (Graviton2, Ampere Altra), or avoids SVE code that misbehaves under emulation.',
        isa: 'Armv8.5-A and later features, no SVE',
        speed: PAUTH_SPEED,
      },
    ],
  },
  {
    qemuArch: 'arm',
    models: [
      {
        value: null,
        title: 'Default (max)',
        description:
          'An Armv8 CPU in 32-bit mode (reported as v8l): NEON, VFPv4, integer divide, and the AES, SHA and CRC32 instructions.',
      },
      {
        value: 'cortex-a15',
        title: 'Cortex-A15 (ARMv7-A)',
        description:
          'ARMv7-A with NEON, VFPv4 and integer divide (reported as v7l): what most 32-bit arm/v7 boards and images are built for.',
      },
      {
        value: 'cortex-a7',
        title: 'Cortex-A7 (Raspberry Pi 2)',
        description: 'ARMv7-A (reported as v7l), the CPU of the first Raspberry Pi 2.',
      },
      {
        value: 'arm1176',
        title: 'ARM1176 (Raspberry Pi 1 and Zero)',
        description: 'ARMv6, for linux/arm/v6 images.',
        trap: 'ARMv6 runs only linux/arm/v6 code: armhf (v7) programs, the probe among them, crash under it.',
      },
    ],
  },
  {
    qemuArch: 'ppc64le',
    models: [
      {
        value: null,
        title: 'Default (POWER9)',
        description: 'qemu-ppc64le 7.2’s default is a POWER9: Power ISA 3.0.',
      },
      {
        value: 'power8',
        title: 'POWER8',
        description:
          'Power ISA 2.07, the oldest CPU ppc64le distributions support. Checks that a binary does not need POWER9.',
      },
      {
        value: 'power10',
        title: 'POWER10',
        description: 'Power ISA 3.1: prefixed instructions and matrix-multiply assist (MMA).',
      },
      {
        value: 'max',
        title: 'max',
        description: 'Everything qemu emulates, as on most other architectures.',
        trap: "A QEMU_CPU=max copied from another architecture stops every program with “unable to find CPU model 'max'”. The default (POWER9) is the newest but one; power10 is the newest.",
      },
    ],
  },
  {
    qemuArch: 's390x',
    models: [
      {
        value: null,
        title: 'Default',
        description:
          'qemu’s own model (the same as qemu and max): z/Architecture with the vector facility and its first enhancements, about a z14.',
        isa: 'z/Architecture',
      },
      {
        value: 'z14',
        title: 'IBM z14',
        description: 'A named IBM Z generation.',
        trap: 'Named IBM Z models (z13, z14, gen15a…, even the -base ones) need facilities qemu 7.2 does not emulate, so none of them starts. Only the default works.',
      },
    ],
  },
  {
    qemuArch: 'riscv64',
    models: [
      {
        value: null,
        title: 'Default (rv64)',
        description: 'qemu’s generic RV64GC CPU with its standard extensions.',
      },
      {
        value: 'sifive-u54',
        title: 'SiFive U54 (HiFive Unleashed)',
        description: 'The RV64GC core of the first Linux-capable RISC-V boards.',
      },
      {
        value: 'max',
        title: 'max',
        description: 'Everything qemu emulates, as on most other architectures.',
        trap: 'A global QEMU_CPU=max broke every riscv64 build in Docker Desktop 3.3.3 for this reason.',
      },
    ],
  },
];

const DEFAULT_ONLY: CpuModelDef = {
  value: null,
  title: 'Default',
  description: 'qemu’s own default model; archdeck offers no other for this architecture.',
};

/** The table for a qemu arch; architectures without one get the default model only. */
export function cpuTableFor(qemuArch: string): ArchCpuTable {
  return CPU_TABLES.find((t) => t.qemuArch === qemuArch) ?? { qemuArch, models: [DEFAULT_ONLY] };
}

/** The architectures with a table of their own: the ones checked at start. */
export const CPU_TABLE_ARCHES: readonly string[] = CPU_TABLES.map((t) => t.qemuArch);

/** A model's title, for a value a container was run with (it may predate this table). */
export function cpuModelTitle(qemuArch: string | null, value: string): string {
  const def = qemuArch ? cpuTableFor(qemuArch).models.find((m) => m.value === value) : undefined;
  return def?.title ?? value;
}
