/**
 * Every architecture qemu-user-static 7.2 ships an emulator for, with the binfmt_misc
 * magic/mask that registers it and the OCI platform it runs.
 *
 * The magic and mask bytes are Debian's /usr/lib/binfmt.d/qemu-<arch>.conf (Debian builds
 * them from qemu's scripts/qemu-binfmt-conf.sh, fixing a few masks on the way). Where Debian
 * has no template they come from qemu-binfmt-conf.sh itself: x86_64 and i386 (Debian leaves
 * out the host's own family), aarch64_be, microblazeel and or1k. Neither ships one for nios2;
 * its entry follows the same pattern as the other 32-bit little-endian ones.
 */

export interface ArchInfo {
  /** qemu's name, as in qemu-<arch>-static. */
  qemuArch: string;
  /** OCI platform, e.g. 'linux/arm64'; null when no OCI architecture names it. */
  platform: string | null;
  class: 32 | 64;
  byteOrder: 'little' | 'big';
  /** e_machine. */
  machine: number;
  magic: Buffer;
  mask: Buffer;
}

const hex = (fields: string): Buffer => Buffer.from(fields.replaceAll(' ', ''), 'hex');

// Hex grouped by ELF header field: magic, class, data, version, OS ABI, ABI version, padding,
// e_type, e_machine (each in the entry's byte order), and for mips on to e_flags. The masks
// ignore the OS ABI (or allow 0-3, SYSV to GNU) and let e_type be ET_EXEC or ET_DYN.
export const ARCHES: readonly ArchInfo[] = [
  {
    qemuArch: 'aarch64',
    platform: 'linux/arm64',
    class: 64,
    byteOrder: 'little',
    machine: 183,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 b700'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'aarch64_be',
    platform: null,
    class: 64,
    byteOrder: 'big',
    machine: 183,
    magic: hex('7f454c46 02 02 01 00 00 00000000000000 0002 00b7'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'alpha',
    platform: null,
    class: 64,
    byteOrder: 'little',
    machine: 0x9026,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 2690'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'arm',
    platform: 'linux/arm',
    class: 32,
    byteOrder: 'little',
    machine: 40,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 2800'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'armeb',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 40,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 0028'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'cris',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 76,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 4c00'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'hexagon',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 164,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 a400'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'hppa',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 15,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 000f'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'i386',
    platform: 'linux/386',
    class: 32,
    byteOrder: 'little',
    machine: 3,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 0300'),
    mask: hex('ffffffff ff fe fe 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'loongarch64',
    platform: 'linux/loong64',
    class: 64,
    byteOrder: 'little',
    machine: 258,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 0201'),
    mask: hex('ffffffff ff ff ff fc 00 ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'm68k',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 4,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 0004'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    // qemu's own line has e_type little-endian in this big-endian header; Debian's is right.
    qemuArch: 'microblaze',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 0xbaab,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 baab'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'microblazeel',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 0xbaab,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 abba'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    // The 40-byte mips masks reach e_flags: EF_MIPS_ABI2 (0x20) clear here, set for mipsn32.
    qemuArch: 'mips',
    platform: 'linux/mips',
    class: 32,
    byteOrder: 'big',
    machine: 8,
    magic: hex(
      '7f454c46 01 02 01 00 00 00000000000000 0002 0008 00000000 00000000 00000000 00000000 00000000',
    ),
    mask: hex(
      'ffffffff ff ff ff 00 fe ffffffffffffff fffe ffff 00000000 00000000 00000000 00000000 00000020',
    ),
  },
  {
    qemuArch: 'mips64',
    platform: 'linux/mips64',
    class: 64,
    byteOrder: 'big',
    machine: 8,
    magic: hex('7f454c46 02 02 01 00 00 00000000000000 0002 0008'),
    mask: hex('ffffffff ff ff ff 00 fe ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'mips64el',
    platform: 'linux/mips64le',
    class: 64,
    byteOrder: 'little',
    machine: 8,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 0800'),
    mask: hex('ffffffff ff ff ff 00 fe ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'mipsel',
    platform: 'linux/mipsle',
    class: 32,
    byteOrder: 'little',
    machine: 8,
    magic: hex(
      '7f454c46 01 01 01 00 00 00000000000000 0200 0800 00000000 00000000 00000000 00000000 00',
    ),
    mask: hex(
      'ffffffff ff ff ff 00 fe ffffffffffffff feff ffff 00000000 00000000 00000000 00000000 20',
    ),
  },
  {
    qemuArch: 'mipsn32',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 8,
    magic: hex(
      '7f454c46 01 02 01 00 00 00000000000000 0002 0008 00000000 00000000 00000000 00000000 00000020',
    ),
    mask: hex(
      'ffffffff ff ff ff 00 fe ffffffffffffff fffe ffff 00000000 00000000 00000000 00000000 00000020',
    ),
  },
  {
    qemuArch: 'mipsn32el',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 8,
    magic: hex(
      '7f454c46 01 01 01 00 00 00000000000000 0200 0800 00000000 00000000 00000000 00000000 20',
    ),
    mask: hex(
      'ffffffff ff ff ff 00 fe ffffffffffffff feff ffff 00000000 00000000 00000000 00000000 20',
    ),
  },
  {
    qemuArch: 'nios2',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 113,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 7100'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'or1k',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 92,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 005c'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'ppc',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 20,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 0014'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'ppc64',
    platform: 'linux/ppc64',
    class: 64,
    byteOrder: 'big',
    machine: 21,
    magic: hex('7f454c46 02 02 01 00 00 00000000000000 0002 0015'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'ppc64le',
    platform: 'linux/ppc64le',
    class: 64,
    byteOrder: 'little',
    machine: 21,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 1500'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff feff ff00'),
  },
  {
    qemuArch: 'riscv32',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 243,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 f300'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'riscv64',
    platform: 'linux/riscv64',
    class: 64,
    byteOrder: 'little',
    machine: 243,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 f300'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 's390x',
    platform: 'linux/s390x',
    class: 64,
    byteOrder: 'big',
    machine: 22,
    magic: hex('7f454c46 02 02 01 00 00 00000000000000 0002 0016'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'sh4',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 42,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 2a00'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'sh4eb',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 42,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 002a'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'sparc',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 2,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 0002'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'sparc32plus',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 18,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 0012'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'sparc64',
    platform: null,
    class: 64,
    byteOrder: 'big',
    machine: 43,
    magic: hex('7f454c46 02 02 01 00 00 00000000000000 0002 002b'),
    mask: hex('ffffffff ff ff ff fc ff ffffffffffffff fffe ffff'),
  },
  {
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
    class: 64,
    byteOrder: 'little',
    machine: 62,
    magic: hex('7f454c46 02 01 01 00 00 00000000000000 0200 3e00'),
    mask: hex('ffffffff ff fe fe 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'xtensa',
    platform: null,
    class: 32,
    byteOrder: 'little',
    machine: 94,
    magic: hex('7f454c46 01 01 01 00 00 00000000000000 0200 5e00'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff feff ffff'),
  },
  {
    qemuArch: 'xtensaeb',
    platform: null,
    class: 32,
    byteOrder: 'big',
    machine: 94,
    magic: hex('7f454c46 01 02 01 00 00 00000000000000 0002 005e'),
    mask: hex('ffffffff ff ff ff 00 ff ffffffffffffff fffe ffff'),
  },
];

const MACHINE_NAMES = new Map<number, string>([
  [0, 'none'],
  [2, 'SPARC'],
  [3, 'Intel 80386'],
  [4, 'Motorola 68000'],
  [8, 'MIPS'],
  [15, 'HP PA-RISC'],
  [18, 'SPARC v8+'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 'IBM S/390'],
  [40, 'ARM'],
  [42, 'Renesas SuperH'],
  [43, 'SPARC V9'],
  [50, 'Intel IA-64'],
  [62, 'x86-64'],
  [76, 'Axis CRIS'],
  [92, 'OpenRISC'],
  [94, 'Tensilica Xtensa'],
  [113, 'Altera Nios II'],
  [164, 'Qualcomm Hexagon'],
  [183, 'AArch64'],
  [189, 'Xilinx MicroBlaze'],
  [243, 'RISC-V'],
  [247, 'Linux BPF'],
  [258, 'LoongArch'],
  // Unofficial numbers that Linux and qemu use (EM_ALPHA, EM_MICROBLAZE_OLD).
  [0x9026, 'Alpha'],
  [0xbaab, 'Xilinx MicroBlaze (old number)'],
]);

export function machineName(machine: number): string {
  return MACHINE_NAMES.get(machine) ?? `unknown (0x${machine.toString(16).padStart(4, '0')})`;
}

export function archForQemu(qemuArch: string): ArchInfo | null {
  return ARCHES.find((a) => a.qemuArch === qemuArch) ?? null;
}

// Spellings containerd's platforms.Normalize accepts, and the variants one emulator covers
// (qemu-arm runs v5 to v7 code alike).
const ARCH_ALIASES = new Map([
  ['x86_64', 'amd64'],
  ['x86-64', 'amd64'],
  ['aarch64', 'arm64'],
  ['i386', '386'],
  ['i486', '386'],
  ['i586', '386'],
  ['i686', '386'],
  ['armhf', 'arm'],
  ['armel', 'arm'],
]);
const VARIANTS = new Map([
  ['amd64', ['v1', 'v2', 'v3', 'v4']],
  ['arm64', ['v8']],
  ['arm', ['v5', 'v6', 'v7']],
]);

/** The emulator for an OCI platform `linux/<arch>[/<variant>]`. */
export function archForPlatform(platform: string): ArchInfo | null {
  const [os, arch, variant, ...rest] = platform.toLowerCase().split('/');
  if (os !== 'linux' || arch === undefined || rest.length > 0) return null;
  const normalised = ARCH_ALIASES.get(arch) ?? arch;
  if (variant !== undefined && !VARIANTS.get(normalised)?.includes(variant)) return null;
  return ARCHES.find((a) => a.platform === `linux/${normalised}`) ?? null;
}

/**
 * The emulator for an ELF identity. Where class, byte order and machine leave a choice (mips
 * o32 and n32 differ only in EF_MIPS_ABI2), `eFlags` decides it the way the magic/masks do;
 * without it the default ABI (e_flags 0) is assumed.
 */
export function archForIdent(
  ident: { class: 32 | 64; byteOrder: 'little' | 'big'; machine: number },
  eFlags = 0,
): ArchInfo | null {
  const flagsAt = ident.class === 32 ? 36 : 48;
  const flags = Buffer.alloc(4);
  if (ident.byteOrder === 'little') flags.writeUInt32LE(eFlags >>> 0);
  else flags.writeUInt32BE(eFlags >>> 0);
  return (
    ARCHES.find(
      (a) =>
        a.class === ident.class &&
        a.byteOrder === ident.byteOrder &&
        a.machine === ident.machine &&
        flags.every((byte, i) => {
          const at = flagsAt + i;
          const mask = a.mask[at] ?? 0;
          return at >= a.magic.length || (byte & mask) === ((a.magic[at] ?? 0) & mask);
        }),
    ) ?? null
  );
}
