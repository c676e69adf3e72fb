import { describe, expect, it } from 'vitest';
import { ElfError, parseElf } from '../../src/emulators/elf.js';
import { matchesBinary } from '../../src/emulators/entry.js';
import { ARCHES, archForIdent } from '../../src/emulators/platforms.js';
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
    if (facts.headLacks) {
      expect(elf.linkage).toContain(facts.linkage);
      expect(elf.linkage.length).toBeGreaterThan(1);
    } else {
      expect(elf.linkage).toEqual([facts.linkage]);
    }
    expect(elf.unread).toEqual(facts.headLacks ?? []);
    expect(elf.loader).toBe(facts.loader);
    const arch = archForIdent(elf.ident, elf.eFlags);
    expect(arch?.qemuArch).toBe(facts.qemuArch);
    expect(arch?.platform).toBe(facts.platform);
  });

  it('names machines', () => {
    expect(parseElf(elfHead('hello-aarch64-dynamic')).ident.machineName).toBe('AArch64');
    expect(parseElf(elfHead('hello-s390x-static')).ident.machineName).toBe('IBM S/390');
  });

  it('reads the loader path once the bytes hold it, and says it is unread before', () => {
    const head = elfHead('hello-aarch64-dynamic');
    // readelf -l: INTERP at 0x238, 0x1b bytes; DYNAMIC at 0xfdd8, 0x1e0 bytes, DT_FLAGS_1 the
    // 21st of its 16-byte entries.
    expect(parseElf(head.subarray(0, 0x238 + 0x1b))).toMatchObject({
      loader: '/lib/ld-linux-aarch64.so.1',
      needsLoader: true,
      linkage: ['dynamic', 'shared-library'],
      unread: ['dynamic-section'],
    });
    expect(parseElf(head.subarray(0, 0x238 + 0x1a))).toMatchObject({
      loader: null,
      needsLoader: true,
      linkage: ['dynamic', 'shared-library'],
      unread: ['loader', 'dynamic-section'],
    });
    expect(parseElf(head.subarray(0, 0xfdd8 + 21 * 16))).toMatchObject({
      linkage: ['dynamic'],
      unread: [],
    });
    expect(parseElf(head.subarray(0, 0xfdd8 + 21 * 16 - 1)).linkage).toHaveLength(2);
  });

  it('tells a shared library from a PIE program, and a .o from both', () => {
    expect(parseElf(elfHead('hello-aarch64-shared')).linkage).toEqual(['shared-library']);
    expect(parseElf(elfHead('hello-aarch64-dynamic')).linkage).toEqual(['dynamic']);
    expect(parseElf(elfHead('hello-aarch64-object')).linkage).toEqual(['relocatable']);
  });
});

describe('every ELF fixture against every built-in magic/mask', () => {
  it.each(Object.entries(ELF_FACTS))('%s matches its own emulator alone', (name, facts) => {
    const head = elfHead(name);
    const matching = ARCHES.filter((a) =>
      matchesBinary(
        { type: 'magic', offset: 0, magic: a.magic, mask: a.mask, extension: null },
        head,
      ),
    ).map((a) => a.qemuArch);
    // The masks let e_type 2 and 3 through (EXEC, DYN): what the kernel cannot run, no emulator gets.
    expect(matching).toEqual(facts.type === 'REL' ? [] : [facts.qemuArch]);
  });
});

interface ElfFields {
  is64?: boolean;
  little?: boolean;
  type?: number;
  machine?: number;
  flags?: number;
  entry?: number;
  /** The PT_INTERP contents, NUL included. */
  interp?: Buffer | null;
  /** PT_DYNAMIC's entries, [d_tag, d_val]; none for no PT_DYNAMIC. */
  dynamic?: [number, number][] | null;
  phentsize?: number;
  phnum?: number;
}

const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_NOW = 0x1;
const DF_1_PIE = 0x08000000;

/** A minimal ELF file: header, program headers, then the loader path and dynamic entries. */
function buildElf(fields: ElfFields = {}): Buffer {
  const { is64 = true, little = true, type = 2, machine = 183, flags = 0 } = fields;
  const { entry = 0x1000, interp = null, dynamic = null } = fields;
  const segments = [interp && 3, dynamic && 2].filter((t): t is number => t !== null);
  const { phentsize = is64 ? 56 : 32, phnum = segments.length } = fields;
  const header = is64 ? 64 : 52;
  const entrySize = is64 ? 56 : 32;
  const dynEntry = is64 ? 16 : 8;
  const interpAt = header + phnum * entrySize;
  const dynamicAt = interpAt + (interp?.length ?? 0);
  const buf = Buffer.alloc(dynamicAt + (dynamic?.length ?? 0) * dynEntry);
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
  word(entry, 24);
  word(header, is64 ? 32 : 28);
  u32(flags, is64 ? 48 : 36);
  u16(header, is64 ? 52 : 40);
  u16(phentsize, is64 ? 54 : 42);
  u16(phnum, is64 ? 56 : 44);
  const segment = (i: number, pType: number, offset: number, size: number) => {
    const at = header + i * entrySize;
    u32(pType, at);
    word(offset, at + (is64 ? 8 : 4));
    word(size, at + (is64 ? 32 : 16));
  };
  if (interp) {
    segment(0, 3, interpAt, interp.length);
    interp.copy(buf, interpAt);
  }
  if (dynamic) {
    segment(interp ? 1 : 0, 2, dynamicAt, dynamic.length * dynEntry);
    dynamic.forEach(([tag, val], i) => {
      word(tag, dynamicAt + i * dynEntry);
      word(val, dynamicAt + i * dynEntry + dynEntry / 2);
    });
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

  it('tells the kinds apart as file(1) does: by e_type, PT_INTERP and DF_1_PIE', () => {
    const ld = path('/lib/ld.so\0');
    const pie: [number, number][] = [
      [DT_FLAGS_1, DF_1_NOW | DF_1_PIE],
      [0, 0],
    ];
    const notPie: [number, number][] = [
      [DT_FLAGS_1, DF_1_NOW],
      [0, 0],
    ];
    const kinds = (fields: ElfFields) => parseElf(buildElf(fields)).linkage;
    expect(kinds({ type: 2 })).toEqual(['static']);
    expect(kinds({ type: 2, interp: ld })).toEqual(['dynamic']);
    expect(kinds({ type: 3, dynamic: pie })).toEqual(['static-pie']);
    expect(kinds({ type: 3, dynamic: pie, interp: ld })).toEqual(['dynamic']);
    expect(kinds({ type: 3, dynamic: notPie })).toEqual(['shared-library']);
    // glibc's libc.so.6 names a loader, yet is a shared library.
    expect(kinds({ type: 3, dynamic: notPie, interp: ld })).toEqual(['shared-library']);
    expect(kinds({ type: 3, dynamic: [[0, 0]] })).toEqual(['shared-library']);
    expect(kinds({ type: 3 })).toEqual(['shared-library']);
    expect(kinds({ type: 1 })).toEqual(['relocatable']);
    expect(kinds({ type: 4 })).toEqual(['core']);
    expect(kinds({ type: 0 })).toEqual([]);
    expect(kinds({ type: 0xfe00 })).toEqual([]);
  });

  it('reads DT_FLAGS_1 in both classes and byte orders, and not past DT_NULL', () => {
    for (const is64 of [true, false]) {
      for (const little of [true, false]) {
        const dyn = (dynamic: [number, number][]) =>
          parseElf(buildElf({ is64, little, type: 3, dynamic })).linkage;
        expect(dyn([[DT_FLAGS_1, DF_1_PIE]])).toEqual(['static-pie']);
        expect(
          dyn([
            [1, 7],
            [0, 0],
            [DT_FLAGS_1, DF_1_PIE],
          ]),
        ).toEqual(['shared-library']);
      }
    }
  });

  it('says what lies past the bytes it has, and which kinds that leaves', () => {
    const ld = path('/lib/ld.so\0');
    const cut = (fields: ElfFields, drop: number) => {
      const elf = buildElf(fields);
      return parseElf(elf.subarray(0, elf.length - drop));
    };
    const pie: [number, number][] = [[DT_FLAGS_1, DF_1_PIE]];
    // The program headers: the header alone tells EXEC from DYN, no more.
    const headerOnly = (fields: ElfFields) => parseElf(buildElf(fields).subarray(0, 64));
    expect(headerOnly({ type: 2, interp: ld })).toMatchObject({
      linkage: ['static', 'dynamic'],
      loader: null,
      needsLoader: null,
      unread: ['program-headers'],
    });
    expect(headerOnly({ type: 3, interp: ld }).linkage).toEqual([
      'static-pie',
      'dynamic',
      'shared-library',
    ]);
    expect(headerOnly({ type: 1 }).linkage).toEqual(['relocatable']);
    // A program always has an entry point; a shared library often has none.
    expect(headerOnly({ type: 3, interp: ld, entry: 0 }).linkage).toEqual(['shared-library']);

    // The dynamic section.
    expect(cut({ type: 3, dynamic: pie }, 1)).toMatchObject({
      linkage: ['static-pie', 'shared-library'],
      needsLoader: false,
      unread: ['dynamic-section'],
    });
    expect(cut({ type: 3, dynamic: pie, interp: ld }, 1)).toMatchObject({
      linkage: ['dynamic', 'shared-library'],
      loader: '/lib/ld.so',
      unread: ['dynamic-section'],
    });
    expect(cut({ type: 3, dynamic: pie, entry: 0 }, 1)).toMatchObject({
      linkage: ['shared-library'],
      unread: ['dynamic-section'],
    });
    expect(cut({ type: 3, dynamic: [...pie, [0, 0]] }, 1).linkage).toEqual(['static-pie']);
    // An EXEC file's kind does not depend on its dynamic section.
    expect(cut({ type: 2, dynamic: pie, interp: ld }, 1)).toMatchObject({
      linkage: ['dynamic'],
      unread: [],
    });
  });

  it('says the loader path is unread when it lies past the bytes it has', () => {
    const elf = buildElf({ type: 2, interp: path('/lib/ld.so\0') });
    expect(parseElf(elf.subarray(0, elf.length - 1))).toMatchObject({
      linkage: ['dynamic'],
      loader: null,
      needsLoader: true,
      unread: ['loader'],
    });
    elf.writeBigUInt64LE(2n ** 63n, 64 + 8);
    expect(parseElf(elf)).toMatchObject({ loader: null, unread: ['loader'] });
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
    expect(parseElf(buildElf({ phnum: 1170 })).linkage).toEqual(['static']);
  });

  it('says the program headers are unread when they lie past the bytes it has', () => {
    const elf = buildElf({ interp: path('/lib/ld.so\0') });
    expect(parseElf(elf.subarray(0, 64 + 55)).unread).toEqual(['program-headers']);
    elf.writeBigUInt64LE(2n ** 64n - 1n, 32);
    expect(parseElf(elf).unread).toEqual(['program-headers']);
  });

  it.each([
    ['a path without its NUL', path('/lib/ld.so'), /not NUL-terminated/],
    ['an empty path', path('\0\0'), /is empty/],
    ['a one-byte path', path('\0'), /is 1 bytes long/],
    ['a path over PATH_MAX', Buffer.alloc(4097, 0x61), /is 4097 bytes long/],
  ])('rejects %s in PT_INTERP', (_what, interp, message) => {
    expect(() => parseElf(buildElf({ interp }))).toThrow(message);
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
