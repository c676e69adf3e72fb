import { describe, expect, it } from 'vitest';
import { ElfError, parseElf } from '../../src/binfmt/elf.js';
import { matchesBinary } from '../../src/binfmt/entry.js';
import { ARCHES, archForIdent } from '../../src/binfmt/platforms.js';
import { ELF_FACTS, ELF_FIXTURES, elfHead } from './fixtures.js';

describe('parseElf on real binaries', () => {
  it('has facts for every fixture and a fixture for every fact', () => {
    expect(ELF_FIXTURES).toEqual(Object.keys(ELF_FACTS).sort());
  });

  it.each(Object.entries(ELF_FACTS))('%s', (name, facts) => {
    const elf = parseElf(elfHead(name));
    expect(elf.ident).toMatchObject({
      class: facts.class,
      byteOrder: facts.byteOrder,
      machine: facts.machine,
    });
    expect(elf.eFlags).toBe(facts.eFlags);
    expect(elf.type).toBe(facts.type);
    expect(elf.linkage).toBe(facts.linkage);
    expect(elf.loader).toBe(facts.loader);
    const arch = archForIdent(elf.ident, elf.eFlags);
    expect(arch?.qemuArch).toBe(facts.qemuArch);
    expect(arch?.platform).toBe(facts.platform);
  });

  it('names machines', () => {
    expect(parseElf(elfHead('hello-aarch64-dynamic')).ident.machineName).toBe('AArch64');
    expect(parseElf(elfHead('hello-s390x-static')).ident.machineName).toBe('IBM S/390');
  });

  it('needs only the bytes up to the end of the loader path', () => {
    const head = elfHead('hello-aarch64-dynamic');
    // readelf -l: INTERP at 0x238, 0x1b bytes.
    expect(parseElf(head.subarray(0, 0x238 + 0x1b)).loader).toBe('/lib/ld-linux-aarch64.so.1');
    expect(() => parseElf(head.subarray(0, 0x238 + 0x1a))).toThrow(/loader path .* beyond/);
  });
});

describe('every ELF fixture against every built-in magic/mask', () => {
  it.each(Object.entries(ELF_FACTS))('%s matches only its own emulator', (name, facts) => {
    const head = elfHead(name);
    const matching = ARCHES.filter((a) =>
      matchesBinary(
        { type: 'magic', offset: 0, magic: a.magic, mask: a.mask, extension: null },
        head,
      ),
    ).map((a) => a.qemuArch);
    expect(matching).toEqual([facts.qemuArch]);
  });
});

interface ElfFields {
  is64?: boolean;
  little?: boolean;
  type?: number;
  machine?: number;
  flags?: number;
  /** The PT_INTERP contents, NUL included. */
  interp?: Buffer | null;
  phentsize?: number;
  phnum?: number;
}

/** A minimal ELF file: header, program headers, then an optional loader path. */
function buildElf(fields: ElfFields = {}): Buffer {
  const { is64 = true, little = true, type = 2, machine = 183, flags = 0, interp = null } = fields;
  const { phentsize = is64 ? 56 : 32, phnum = interp ? 1 : 0 } = fields;
  const header = is64 ? 64 : 52;
  const entry = is64 ? 56 : 32;
  const interpAt = header + phnum * entry;
  const buf = Buffer.alloc(interpAt + (interp?.length ?? 0));
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = is64 ? 2 : 1;
  buf[5] = little ? 1 : 2;
  buf[6] = 1;
  const u16 = (v: number, at: number) =>
    little ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at);
  const u32 = (v: number, at: number) =>
    little ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at);
  const word = (v: number, at: number) =>
    is64
      ? little
        ? buf.writeBigUInt64LE(BigInt(v), at)
        : buf.writeBigUInt64BE(BigInt(v), at)
      : u32(v, at);
  u16(type, 16);
  u16(machine, 18);
  u32(1, 20);
  word(header, is64 ? 32 : 28);
  u32(flags, is64 ? 48 : 36);
  u16(header, is64 ? 52 : 40);
  u16(phentsize, is64 ? 54 : 42);
  u16(phnum, is64 ? 56 : 44);
  if (interp) {
    u32(3, header);
    word(interpAt, header + (is64 ? 8 : 4));
    word(interp.length, header + (is64 ? 32 : 16));
    interp.copy(buf, interpAt);
  }
  return buf;
}

const path = (text: string) => Buffer.from(text, 'latin1');

describe('parseElf on made-up headers', () => {
  it('reads both classes and byte orders', () => {
    for (const is64 of [true, false]) {
      for (const little of [true, false]) {
        const elf = parseElf(buildElf({ is64, little, machine: 22, flags: 0x12345678 }));
        expect(elf.ident).toEqual({
          class: is64 ? 64 : 32,
          byteOrder: little ? 'little' : 'big',
          machine: 22,
          machineName: 'IBM S/390',
        });
        expect(elf.eFlags).toBe(0x12345678);
      }
    }
  });

  it.each([
    [0, 'NONE'],
    [1, 'REL'],
    [2, 'EXEC'],
    [3, 'DYN'],
    [4, 'CORE'],
    [0xfe00, 'unknown (65024)'],
  ])('names e_type %i %s', (type, name) => {
    expect(parseElf(buildElf({ type })).type).toBe(name);
  });

  it('tells static, static-pie and dynamic apart by PT_INTERP and e_type', () => {
    expect(parseElf(buildElf({ type: 2 })).linkage).toBe('static');
    expect(parseElf(buildElf({ type: 3 })).linkage).toBe('static-pie');
    const dynamic = parseElf(buildElf({ type: 3, interp: path('/lib/ld.so\0') }));
    expect(dynamic).toMatchObject({ linkage: 'dynamic', loader: '/lib/ld.so' });
  });

  it('reads the loader path up to its first NUL, as the kernel does', () => {
    expect(parseElf(buildElf({ interp: path('/a\0/b\0') })).loader).toBe('/a');
  });

  it.each([
    ['', /not an ELF file/],
    ['\x7fEL', /not an ELF file/],
    ['MZ\x90\x00 a PE file, not ELF', /not an ELF file/],
    ['#!/bin/sh\n', /not an ELF file/],
    ['\x7fELF\x02\x01\x01', /truncated ELF identification: 7 of 16/],
    ['\x7fELF\x03\x01\x01\0\0\0\0\0\0\0\0\0', /unknown ELF class 3/],
    ['\x7fELF\x02\x00\x01\0\0\0\0\0\0\0\0\0', /unknown ELF byte order 0/],
    ['\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0', /truncated ELF header: 18 of 64/],
    ['\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0\x02\0', /truncated ELF header: 18 of 52/],
  ])('rejects %j', (text, message) => {
    const error = catchError(() => parseElf(Buffer.from(text, 'latin1')));
    expect(error).toBeInstanceOf(ElfError);
    expect(error.message).toMatch(message);
  });

  it('rejects program headers of the wrong size', () => {
    expect(() => parseElf(buildElf({ phentsize: 40, phnum: 1 }))).toThrow(
      /program headers of 40 bytes, not 56/,
    );
  });

  it('refuses more program headers than the kernel would (PN_XNUM included)', () => {
    expect(() => parseElf(buildElf({ phnum: 0xffff }))).toThrow(
      /too many program headers \(65535\)/,
    );
    expect(() => parseElf(buildElf({ phnum: 1171 }))).toThrow(/too many/);
    expect(parseElf(buildElf({ phnum: 1170 })).linkage).toBe('static');
  });

  it('rejects program headers past the end of the buffer', () => {
    const elf = buildElf({ interp: path('/lib/ld.so\0') });
    expect(() => parseElf(elf.subarray(0, 64 + 55))).toThrow(
      'program headers beyond the end of the 119 bytes read (they end at 120)',
    );
    elf.writeBigUInt64LE(2n ** 64n - 1n, 32);
    expect(() => parseElf(elf)).toThrow(ElfError);
  });

  it.each([
    ['a path without its NUL', path('/lib/ld.so'), /not NUL-terminated/],
    ['an empty path', path('\0\0'), /is empty/],
    ['a one-byte path', path('\0'), /is 1 bytes long/],
    ['a path over PATH_MAX', Buffer.alloc(4097, 0x61), /is 4097 bytes long/],
  ])('rejects %s in PT_INTERP', (_what, interp, message) => {
    expect(() => parseElf(buildElf({ interp }))).toThrow(message);
  });

  it('rejects a PT_INTERP that points past the buffer', () => {
    const elf = buildElf({ interp: path('/lib/ld.so\0') });
    elf.writeBigUInt64LE(2n ** 63n, 64 + 8);
    expect(() => parseElf(elf)).toThrow(/lies beyond the 131 bytes read/);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an error');
}
