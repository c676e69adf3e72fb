/**
 * Just enough of an ELF file to tell which machine it is for and whether it needs a loader:
 * the file header and the program headers. Reads only what is in the buffer, normally the
 * first few KiB of the file, and checks every offset against it.
 */
import type { ElfIdent } from '@archdeck/shared';
import { machineName } from './platforms.js';

export interface ElfInfo {
  ident: ElfIdent;
  eFlags: number;
  /** 'EXEC' | 'DYN' | 'REL' | 'CORE' | 'NONE' | 'unknown (n)'. */
  type: string;
  /**
   * dynamic: has PT_INTERP, so it needs that loader; static-pie: no PT_INTERP but type DYN
   * (qemu-*-static are built so; a shared library without PT_INTERP reads the same);
   * static: neither.
   */
  linkage: 'static' | 'static-pie' | 'dynamic';
  /** The PT_INTERP path, e.g. /lib/ld-linux-aarch64.so.1. */
  loader: string | null;
}

export class ElfError extends Error {
  override name = 'ElfError';
}

const TYPES = ['NONE', 'REL', 'EXEC', 'DYN', 'CORE'];
const ET_DYN = 3;
const PT_INTERP = 3;
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
  const loader = findLoader(
    r,
    r.word(r.is64 ? 32 : 28),
    r.u16(r.is64 ? 54 : 42),
    r.u16(r.is64 ? 56 : 44),
  );
  return {
    ident: {
      class: r.is64 ? 64 : 32,
      byteOrder: r.little ? 'little' : 'big',
      machine,
      machineName: machineName(machine),
    },
    eFlags: r.u32(r.is64 ? 48 : 36),
    type: TYPES[eType] ?? `unknown (${eType})`,
    linkage: loader !== null ? 'dynamic' : eType === ET_DYN ? 'static-pie' : 'static',
    loader,
  };
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

/** The first PT_INTERP's path, checked as the kernel's ELF loader checks it. */
function findLoader(r: Reader, phoff: number, phentsize: number, phnum: number): string | null {
  if (phnum === 0) return null;
  const entrySize = r.is64 ? 56 : 32;
  if (phentsize !== entrySize) {
    throw new ElfError(`program headers of ${phentsize} bytes, not ${entrySize}`);
  }
  if (phnum * entrySize > MAX_PHDR_TABLE) {
    throw new ElfError(`too many program headers (${phnum})`);
  }
  const tableEnd = phoff + phnum * entrySize;
  if (tableEnd > r.buf.length) {
    throw new ElfError(
      `program headers beyond the end of the ${r.buf.length} bytes read (they end at ${tableEnd})`,
    );
  }
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * entrySize;
    if (r.u32(at) !== PT_INTERP) continue;
    const offset = r.word(at + (r.is64 ? 8 : 4));
    const size = r.word(at + (r.is64 ? 32 : 16));
    if (size < 2 || size > PATH_MAX) {
      throw new ElfError(`the loader path (PT_INTERP) is ${size} bytes long`);
    }
    if (offset + size > r.buf.length) {
      throw new ElfError(`the loader path (PT_INTERP) lies beyond the ${r.buf.length} bytes read`);
    }
    const path = r.buf.subarray(offset, offset + size);
    if (path[size - 1] !== 0) {
      throw new ElfError('the loader path (PT_INTERP) is not NUL-terminated');
    }
    if (path[0] === 0) throw new ElfError('the loader path (PT_INTERP) is empty');
    return path.subarray(0, path.indexOf(0)).toString('utf8');
  }
  return null;
}
