/**
 * Just enough of an ELF file to tell which machine it is for, what kind of file it is and
 * whether it needs a loader: the file header, the program headers, the PT_INTERP path and the
 * DT_FLAGS_1 entry of the dynamic section. Reads only what is in the buffer, normally the first
 * MiB of the file, and checks every offset against it. What lies past the buffer is reported as
 * unread, never as an error: the file may well go on.
 */
import type { ElfIdent, ElfLinkage, ElfUnread } from '@archdeck/shared';
import { machineName } from './platforms.js';

export interface ElfInfo {
  ident: ElfIdent;
  eFlags: number;
  /** 'EXEC' | 'DYN' | 'REL' | 'CORE' | 'NONE' | 'unknown (n)'. */
  type: string;
  /** One kind when the buffer decides it, else every kind it leaves possible (ElfReport.linkage). */
  linkage: ElfLinkage[];
  /** The PT_INTERP path, e.g. /lib/ld-linux-aarch64.so.1; null when there is none or it is unread. */
  loader: string | null;
  /** Has a PT_INTERP, so the kernel starts its loader first; null when the program headers are unread. */
  needsLoader: boolean | null;
  unread: ElfUnread[];
}

export class ElfError extends Error {
  override name = 'ElfError';
}

const TYPES = ['NONE', 'REL', 'EXEC', 'DYN', 'CORE'];
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;
// The limits fs/binfmt_elf.c puts on what it will load: a program header table of at most
// 64 KiB, an interpreter path of at most PATH_MAX bytes including its NUL.
const MAX_PHDR_TABLE = 65536;
const PATH_MAX = 4096;

export function parseElf(buf: Buffer): ElfInfo {
  if (buf.length < 4 || buf.readUInt32BE(0) !== 0x7f454c46) {
    throw new ElfError('not an ELF file');
  }
  if (buf.length < 16) {
    throw new ElfError(`truncated ELF identification: ${buf.length} of 16 bytes`);
  }
  if (buf[4] !== 1 && buf[4] !== 2) throw new ElfError(`unknown ELF class ${buf[4]}`);
  if (buf[5] !== 1 && buf[5] !== 2) throw new ElfError(`unknown ELF byte order ${buf[5]}`);
  const r = reader(buf, buf[4] === 2, buf[5] === 1);
  const headerSize = r.is64 ? 64 : 52;
  if (buf.length < headerSize) {
    throw new ElfError(`truncated ELF header: ${buf.length} of ${headerSize} bytes`);
  }

  const eType = r.u16(16);
  const machine = r.u16(18);
  const unread: ElfUnread[] = [];
  const segments = programHeaders(
    r,
    r.word(r.is64 ? 32 : 28),
    r.u16(r.is64 ? 54 : 42),
    r.u16(r.is64 ? 56 : 44),
  );
  if (segments === null) unread.push('program-headers');

  const interp = segments?.find((s) => s.type === PT_INTERP);
  const loader = interp ? readLoader(r, interp) : null;
  if (interp && loader === null) unread.push('loader');
  const needsLoader = segments === null ? null : interp !== undefined;

  let pie: boolean | null = false;
  if (eType === ET_DYN) {
    const dynamic = segments?.find((s) => s.type === PT_DYNAMIC);
    pie = segments === null ? null : dynamic ? readPieFlag(r, dynamic) : false;
    if (dynamic && pie === null) unread.push('dynamic-section');
  }
  return {
    ident: {
      class: r.is64 ? 64 : 32,
      byteOrder: r.little ? 'little' : 'big',
      machine,
      machineName: machineName(machine),
    },
    eFlags: r.u32(r.is64 ? 48 : 36),
    type: TYPES[eType] ?? `unknown (${eType})`,
    linkage: kinds(eType, needsLoader, pie, r.word(24)),
    loader,
    needsLoader,
    unread,
  };
}

/**
 * The kinds of file the known facts leave possible, in ElfLinkage's order. null is unknown.
 * An ET_DYN file without a readable DT_FLAGS_1 and with no entry point (e_entry 0) is a
 * shared library all the same: a program always has an entry point.
 */
function kinds(
  eType: number,
  needsLoader: boolean | null,
  pie: boolean | null,
  entry: number,
): ElfLinkage[] {
  const possible = <T>(known: T | null, all: T[]) => (known === null ? all : [known]);
  switch (eType) {
    case ET_REL:
      return ['relocatable'];
    case ET_CORE:
      return ['core'];
    case ET_EXEC:
      return possible(needsLoader, [false, true]).map((n) => (n ? 'dynamic' : 'static'));
    case ET_DYN: {
      if (pie === null && entry === 0) return ['shared-library'];
      const programs = possible(needsLoader, [false, true]).map<ElfLinkage>((n) =>
        n ? 'dynamic' : 'static-pie',
      );
      return possible(pie, [true, false]).flatMap((p) => (p ? programs : ['shared-library']));
    }
    default:
      return [];
  }
}

interface Reader {
  buf: Buffer;
  is64: boolean;
  little: boolean;
  u16(at: number): number;
  u32(at: number): number;
  /** A 32- or 64-bit offset or size, by class. */
  word(at: number): number;
}

function reader(buf: Buffer, is64: boolean, little: boolean): Reader {
  const u32 = (at: number) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  return {
    buf,
    is64,
    little,
    u16: (at) => (little ? buf.readUInt16LE(at) : buf.readUInt16BE(at)),
    u32,
    // Values past 2^53 lose precision, but they lie far beyond any buffer all the same.
    word: (at) =>
      is64 ? Number(little ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at)) : u32(at),
  };
}

interface Segment {
  type: number;
  offset: number;
  fileSize: number;
}

/** The program header table, checked as the kernel's ELF loader checks it; null when it lies past the buffer. */
function programHeaders(
  r: Reader,
  phoff: number,
  phentsize: number,
  phnum: number,
): Segment[] | null {
  if (phnum === 0) return [];
  const entrySize = r.is64 ? 56 : 32;
  if (phentsize !== entrySize) {
    throw new ElfError(`program headers of ${phentsize} bytes, not ${entrySize}`);
  }
  if (phnum * entrySize > MAX_PHDR_TABLE) {
    throw new ElfError(`too many program headers (${phnum})`);
  }
  if (phoff + phnum * entrySize > r.buf.length) return null;
  return Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * entrySize;
    return {
      type: r.u32(at),
      offset: r.word(at + (r.is64 ? 8 : 4)),
      fileSize: r.word(at + (r.is64 ? 32 : 16)),
    };
  });
}

/** The first PT_INTERP's path, checked as the kernel checks it; null when it lies past the buffer. */
function readLoader(r: Reader, { offset, fileSize: size }: Segment): string | null {
  if (size < 2 || size > PATH_MAX) {
    throw new ElfError(`the loader path (PT_INTERP) is ${size} bytes long`);
  }
  if (offset + size > r.buf.length) return null;
  const path = r.buf.subarray(offset, offset + size);
  if (path[size - 1] !== 0) {
    throw new ElfError('the loader path (PT_INTERP) is not NUL-terminated');
  }
  if (path[0] === 0) throw new ElfError('the loader path (PT_INTERP) is empty');
  return path.subarray(0, path.indexOf(0)).toString('utf8');
}

/**
 * DF_1_PIE of the first DT_FLAGS_1 before DT_NULL, as readelf and file(1) read it; false when
 * there is none, null when the entries run past the buffer before the answer.
 */
function readPieFlag(r: Reader, { offset, fileSize }: Segment): boolean | null {
  const entrySize = r.is64 ? 16 : 8;
  for (let at = offset; at + entrySize <= offset + fileSize; at += entrySize) {
    if (at + entrySize > r.buf.length) return null;
    const tag = r.word(at);
    if (tag === DT_NULL) return false;
    if (tag === DT_FLAGS_1) {
      // The flags are in the low 32 bits of d_val, the last four bytes of a big-endian one.
      const low = at + entrySize / 2 + (r.is64 && !r.little ? 4 : 0);
      return (r.u32(low) & DF_1_PIE) !== 0;
    }
  }
  return false;
}
