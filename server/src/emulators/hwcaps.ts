/**
 * What the smoke-test probe (server/probes/probe.c) says about the CPU it ran on, and what that
 * means: its result line parsed, and the hardware capability words (AT_HWCAP, AT_HWCAP2; CPUID
 * on x86) turned into the instruction-set level and the features people ask about, by the
 * names the Linux kernel gives them in /proc/cpuinfo (arch/<arch>/include/uapi/asm/hwcap.h).
 */

export interface ProbeReport {
  machine: string;
  bits: number;
  endian: 'little' | 'big';
  /** Absent where the auxiliary vector has none (AT_HWCAP2 exists on a few architectures). */
  hwcap: bigint | null;
  hwcap2: bigint | null;
  /** AT_PLATFORM, e.g. v8l on 32-bit arm; null when the emulator gives none. */
  platform: string | null;
  /** x86 only: the CPUID words that decide the x86-64 levels. */
  cpuid: X86Cpuid | null;
}

export interface X86Cpuid {
  /** Leaf 1 ECX, leaf 7 EBX and ECX, leaf 0x80000001 ECX. */
  leaf1c: number;
  leaf7b: number;
  leaf7c: number;
  ext1c: number;
}

export interface CpuFeatures {
  /** e.g. 'x86-64-v3', 'Power ISA 3.0 (POWER9)'; null where the bits do not tell it. */
  isa: string | null;
  /** The notable ones present, kernel names, in the table's order. */
  features: string[];
}

const LINE = /archdeck-probe ok machine=(\S+) bits=(\d+) endian=(little|big)([^\n]*)/;
const FIELD = / ([a-z0-9]+)=(\S+)/g;

const hex = (v: string | undefined) => (v !== undefined && /^0x[0-9a-f]+$/.test(v) ? v : null);

/** The probe's result line in `output` (other lines, such as qemu's warnings, are ignored). */
export function parseProbeOutput(output: string): ProbeReport | null {
  const m = LINE.exec(output);
  if (!m) return null;
  const fields = new Map([...m[4]!.matchAll(FIELD)].map((f) => [f[1]!, f[2]!]));
  const word = (name: string) => {
    const v = hex(fields.get(name));
    return v === null ? null : BigInt(v);
  };
  const cpuidWords = ['cpuid1c', 'cpuid7b', 'cpuid7c', 'cpuidx1c'].map(word);
  const [leaf1c, leaf7b, leaf7c, ext1c] = cpuidWords.map((w) => Number(w ?? 0n));
  return {
    machine: m[1]!,
    bits: Number(m[2]),
    endian: m[3] as 'little' | 'big',
    hwcap: word('hwcap'),
    hwcap2: word('hwcap2'),
    platform: fields.get('platform') ?? null,
    cpuid: cpuidWords.every((w) => w === null)
      ? null
      : { leaf1c: leaf1c!, leaf7b: leaf7b!, leaf7c: leaf7c!, ext1c: ext1c! },
  };
}

/** Bit number → kernel name, for the bits worth showing. */
type BitNames = ReadonlyArray<readonly [bit: number, name: string]>;

const names = (word: bigint | null, table: BitNames) =>
  word === null ? [] : table.filter(([bit]) => (word >> BigInt(bit)) & 1n).map(([, n]) => n);

// arch/arm64/include/uapi/asm/hwcap.h
const AARCH64_HWCAP: BitNames = [
  [3, 'aes'],
  [7, 'crc32'],
  [8, 'atomics'],
  [9, 'fphp'],
  [17, 'sha3'],
  [20, 'asimddp'],
  [22, 'sve'],
  [30, 'paca'],
  [31, 'pacg'],
];
const AARCH64_HWCAP2: BitNames = [
  [1, 'sve2'],
  [13, 'i8mm'],
  [14, 'bf16'],
  [17, 'bti'],
  [18, 'mte'],
];

// arch/arm/include/uapi/asm/hwcap.h
const ARM_HWCAP: BitNames = [
  [12, 'neon'],
  [16, 'vfpv4'],
  [17, 'idiva'],
  [20, 'lpae'],
];
const ARM_HWCAP2: BitNames = [
  [0, 'aes'],
  [3, 'sha2'],
  [4, 'crc32'],
];

// arch/powerpc/include/uapi/asm/cputable.h
const PPC_HWCAP: BitNames = [
  [28, 'altivec'],
  [10, 'dfp'],
  [7, 'vsx'],
];
const PPC_HWCAP2: BitNames = [
  [31, 'arch_2_07'],
  [25, 'vcrypto'],
  [23, 'arch_3_00'],
  [22, 'ieee128'],
  [21, 'darn'],
  [18, 'arch_3_1'],
  [17, 'mma'],
];

// arch/s390/include/asm/elf.h (HWCAP_S390_*)
const S390_HWCAP: BitNames = [
  [6, 'dfp'],
  [10, 'te'],
  [11, 'vx'],
  [12, 'vxd'],
  [13, 'vxe'],
  [14, 'gs'],
  [15, 'vxe2'],
  [16, 'vxp'],
  [17, 'sort'],
  [18, 'dflt'],
  [19, 'vxp2'],
  [20, 'nnpa'],
];

/** CPUID bits by the names /proc/cpuinfo uses, and the x86-64 level each belongs to. */
const X86: ReadonlyArray<{ word: keyof X86Cpuid; bit: number; name: string; level: 2 | 3 | 4 }> = [
  { word: 'leaf1c', bit: 0, name: 'pni', level: 2 }, // SSE3
  { word: 'leaf1c', bit: 9, name: 'ssse3', level: 2 },
  { word: 'leaf1c', bit: 13, name: 'cx16', level: 2 },
  { word: 'leaf1c', bit: 19, name: 'sse4_1', level: 2 },
  { word: 'leaf1c', bit: 20, name: 'sse4_2', level: 2 },
  { word: 'leaf1c', bit: 23, name: 'popcnt', level: 2 },
  { word: 'ext1c', bit: 0, name: 'lahf_lm', level: 2 },
  { word: 'leaf1c', bit: 12, name: 'fma', level: 3 },
  { word: 'leaf1c', bit: 22, name: 'movbe', level: 3 },
  { word: 'leaf1c', bit: 27, name: 'osxsave', level: 3 },
  { word: 'leaf1c', bit: 28, name: 'avx', level: 3 },
  { word: 'leaf1c', bit: 29, name: 'f16c', level: 3 },
  { word: 'leaf7b', bit: 3, name: 'bmi1', level: 3 },
  { word: 'leaf7b', bit: 5, name: 'avx2', level: 3 },
  { word: 'leaf7b', bit: 8, name: 'bmi2', level: 3 },
  { word: 'ext1c', bit: 5, name: 'abm', level: 3 }, // LZCNT
  { word: 'leaf7b', bit: 16, name: 'avx512f', level: 4 },
  { word: 'leaf7b', bit: 17, name: 'avx512dq', level: 4 },
  { word: 'leaf7b', bit: 28, name: 'avx512cd', level: 4 },
  { word: 'leaf7b', bit: 30, name: 'avx512bw', level: 4 },
  { word: 'leaf7b', bit: 31, name: 'avx512vl', level: 4 },
];

const hasX86 = (cpuid: X86Cpuid, f: (typeof X86)[number]) => ((cpuid[f.word] >>> f.bit) & 1) === 1;

/**
 * The highest x86-64 micro-architecture level whose every feature the CPU has, as glibc's
 * loader decides it (sysdeps/x86/get-isa-level.h); AVX itself needs the OS to save its state,
 * which OSXSAVE stands for here.
 */
export function x86Level(cpuid: X86Cpuid): 1 | 2 | 3 | 4 {
  let level: 1 | 2 | 3 | 4 = 1;
  for (const next of [2, 3, 4] as const) {
    if (!X86.filter((f) => f.level === next).every((f) => hasX86(cpuid, f))) break;
    level = next;
  }
  return level;
}

function x86Features(cpuid: X86Cpuid): CpuFeatures {
  const present = X86.filter((f) => hasX86(cpuid, f)).map((f) => f.name);
  return { isa: `x86-64-v${x86Level(cpuid)}`, features: present };
}

function ppcIsa(hwcap: bigint | null, hwcap2: bigint | null): string | null {
  const two = names(hwcap2, PPC_HWCAP2);
  if (two.includes('arch_3_1')) return 'Power ISA 3.1 (POWER10)';
  if (two.includes('arch_3_00')) return 'Power ISA 3.0 (POWER9)';
  if (two.includes('arch_2_07')) return 'Power ISA 2.07 (POWER8)';
  if (hwcap !== null && (hwcap >> 8n) & 1n) return 'Power ISA 2.06 (POWER7)';
  return null;
}

const RISCV_ORDER = 'imafdqcvh';

/** `rv64imafdc`: the single-letter extensions AT_HWCAP holds (bit n is letter 'a' + n). */
function riscvIsa(bits: number, hwcap: bigint | null): CpuFeatures {
  if (hwcap === null) return { isa: null, features: [] };
  const letters = [...'abcdefghijklmnopqrstuvwxyz'].filter((_, n) => (hwcap >> BigInt(n)) & 1n);
  letters.sort(
    (a, b) =>
      (RISCV_ORDER.indexOf(a) + 1 || 99) - (RISCV_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  return { isa: `rv${bits}${letters.join('')}`, features: letters };
}

/** The level and notable features a probe report shows, for the emulator's qemu arch. */
export function cpuFeatures(qemuArch: string, r: ProbeReport): CpuFeatures {
  switch (qemuArch) {
    case 'x86_64':
    case 'i386':
      return r.cpuid ? x86Features(r.cpuid) : { isa: null, features: [] };
    case 'aarch64':
      return {
        isa: null,
        features: [...names(r.hwcap, AARCH64_HWCAP), ...names(r.hwcap2, AARCH64_HWCAP2)],
      };
    case 'arm':
      return {
        isa: r.platform === 'v8l' ? 'Armv8-A, 32-bit' : r.platform === 'v7l' ? 'Armv7-A' : null,
        features: [...names(r.hwcap, ARM_HWCAP), ...names(r.hwcap2, ARM_HWCAP2)],
      };
    case 'ppc64le':
    case 'ppc64':
      return {
        isa: ppcIsa(r.hwcap, r.hwcap2),
        features: [...names(r.hwcap, PPC_HWCAP), ...names(r.hwcap2, PPC_HWCAP2)],
      };
    case 's390x':
      return { isa: null, features: names(r.hwcap, S390_HWCAP) };
    case 'riscv64':
      return riscvIsa(r.bits, r.hwcap);
    default:
      return { isa: null, features: [] };
  }
}

/** As the probe printed it: 0x-prefixed lowercase hex. */
export const hexWord = (v: bigint | null) => (v === null ? null : `0x${v.toString(16)}`);
