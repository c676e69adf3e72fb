import { describe, expect, it } from 'vitest';
import {
  BINPRM_BUF_SIZE,
  EntryParseError,
  FLAG_INFO,
  decodeFlags,
  identFromMagic,
  matchesBinary,
  parseEntry,
  type ParsedEntry,
} from '../../src/emulators/entry.js';
import { archForIdent } from '../../src/emulators/platforms.js';
import { ELF_FACTS, ENTRY_FIXTURES, elfHead, entryText } from './fixtures.js';

const hex = (b: Buffer | null) => b?.toString('hex') ?? null;

const AARCH64_MAGIC = '7f454c460201010000000000000000000200b700';
const AARCH64_MASK = 'ffffffffffffff00fffffffffffffffffeffffff';

describe('parseEntry on entries the kernel printed', () => {
  it("reads Debian's qemu-aarch64 (registered OPF, printed POF)", () => {
    const entry = parseEntry(entryText('debian-aarch64'));
    expect({ ...entry, magic: hex(entry.magic), mask: hex(entry.mask) }).toEqual({
      enabled: true,
      type: 'magic',
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'POF',
      offset: 0,
      magic: AARCH64_MAGIC,
      mask: AARCH64_MASK,
      extension: null,
    });
  });

  it('reads a disabled entry, which still prints everything', () => {
    const entry = parseEntry(entryText('debian-riscv64-disabled'));
    expect(entry.enabled).toBe(false);
    expect(entry.interpreter).toBe('/usr/libexec/qemu-binfmt/riscv64-binfmt-P');
    expect(hex(entry.magic)).toBe('7f454c460201010000000000000000000200f300');
  });

  it('reads the multiarch/blog-post OCF line', () => {
    const entry = parseEntry(entryText('multiarch-aarch64'));
    expect(entry).toMatchObject({ interpreter: '/usr/bin/qemu-aarch64-static', flags: 'OCF' });
    expect(hex(entry.magic)).toBe(AARCH64_MAGIC);
  });

  it("reads tonistiigi/binfmt's CF line, which the kernel prints as OCF", () => {
    const entry = parseEntry(entryText('tonistiigi-aarch64'));
    expect(entry).toMatchObject({ interpreter: '/usr/bin/qemu-aarch64', flags: 'OCF', offset: 0 });
    expect(hex(entry.mask)).toBe(AARCH64_MASK);
    expect(hex(parseEntry(entryText('tonistiigi-mips64le')).mask)).toBe(
      'ffffffffffffff0000fffffffffffffffeffffff',
    );
  });

  it("reads mipsn32's 40-byte magic, which reaches e_flags", () => {
    const entry = parseEntry(entryText('debian-mipsn32'));
    expect(entry.magic?.length).toBe(40);
    expect(entry.mask?.[39]).toBe(0x20);
  });

  it('reads an extension entry', () => {
    expect(parseEntry(entryText('extension'))).toEqual({
      enabled: true,
      type: 'extension',
      interpreter: '/bin/cat',
      flags: '',
      offset: 0,
      magic: null,
      mask: null,
      extension: 'archdeck',
    });
  });

  it('reads an entry without a mask (the kernel prints no mask line)', () => {
    const entry = parseEntry(entryText('nomask'));
    expect(entry).toMatchObject({ offset: 2, mask: null, flags: '' });
    expect(entry.magic?.toString('latin1')).toBe('ELF');
  });

  it('reads every captured fixture', () => {
    for (const label of ENTRY_FIXTURES) expect(() => parseEntry(entryText(label))).not.toThrow();
  });

  it('does not need the final newline', () => {
    expect(parseEntry(entryText('debian-arm').trimEnd()).flags).toBe('POF');
  });
});

describe('parseEntry on malformed text', () => {
  const good = entryText('debian-aarch64');
  const replace = (from: string, to: string) => good.replace(from, to);

  it.each([
    ['empty text', '', /expected "enabled" or "disabled", found ""/],
    ['a bare status', 'enabled\n', /no interpreter/],
    ['an unknown status', replace('enabled', 'on'), /found "on"/],
    ['a Windows line end', good.replaceAll('\n', '\r\n'), /found "enabled\\r"/],
    ['an unknown line', `${good}colour blue\n`, /unexpected line "colour blue"/],
    ['a blank line', replace('flags', '\nflags'), /unexpected line ""/],
    ['a repeated line', `${good}offset 1\n`, /more than one offset line/],
    [
      'an empty interpreter',
      replace('interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P', 'interpreter '),
      /no interpreter/,
    ],
    [
      'no flags line',
      replace('flags: POF\n', ''),
      /flags should be letters from POCF, found nothing/,
    ],
    ['an unknown flag', replace('POF', 'PXF'), /found "PXF"/],
    ['flags out of order', replace('POF', 'FOP'), /found "FOP"/],
    ['a non-numeric offset', replace('offset 0', 'offset x'), /offset is not a number/],
    ['a negative offset', replace('offset 0', 'offset -1'), /offset is not a number/],
    [
      'no magic',
      replace(`magic ${AARCH64_MAGIC}\n`, ''),
      /neither an extension nor an offset and magic/,
    ],
    ['odd-length hex', replace(AARCH64_MAGIC, '7f454'), /magic is not hex/],
    ['non-hex magic', replace(AARCH64_MAGIC, '7f45zz'), /magic is not hex/],
    ['an empty mask', replace(AARCH64_MASK, ''), /mask is not hex/],
    ['a short mask', replace(AARCH64_MASK, 'ffff'), /mask is 2 bytes but magic 20/],
    ['a magic past 256 bytes', replace('offset 0', 'offset 237'), /reaches past the 256 bytes/],
    ['an extension and a magic', `${good}extension .foo\n`, /not both/],
    [
      'an extension without a dot',
      entryText('extension').replace('.archdeck', 'archdeck'),
      /extension should be/,
    ],
    ['a bare dot', entryText('extension').replace('.archdeck', '.'), /extension should be/],
  ])('rejects %s', (_what, text, message) => {
    let error: unknown;
    try {
      parseEntry(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EntryParseError);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts a magic that ends exactly at byte 256', () => {
    expect(parseEntry(replace('offset 0', 'offset 236')).offset).toBe(236);
  });
});

describe('flags', () => {
  it('decodes in the kernel order, once each', () => {
    expect(decodeFlags('OPF').map((f) => f.letter)).toEqual(['P', 'O', 'F']);
    expect(decodeFlags('CFC').map((f) => f.letter)).toEqual(['C', 'F']);
    expect(decodeFlags('')).toEqual([]);
    expect(decodeFlags('XYZ')).toEqual([]);
  });

  it('explains each flag, and the risk of C', () => {
    for (const [letter, info] of Object.entries(FLAG_INFO)) {
      expect(info.letter).toBe(letter);
      expect(info.meaning.length).toBeGreaterThan(40);
    }
    expect(FLAG_INFO.C.meaning).toMatch(/setuid/);
    expect(FLAG_INFO.C.meaning).toMatch(/implies O/);
    expect(FLAG_INFO.F.meaning).toMatch(/containers/);
  });
});

describe('identFromMagic', () => {
  it.each([
    ['debian-aarch64', 'aarch64'],
    ['debian-arm', 'arm'],
    ['debian-ppc64le', 'ppc64le'],
    ['debian-s390x', 's390x'],
    ['debian-riscv64', 'riscv64'],
    ['debian-mips64el', 'mips64el'],
    ['debian-mipsn32', 'mipsn32'],
    ['multiarch-aarch64', 'aarch64'],
    ['tonistiigi-aarch64', 'aarch64'],
    ['tonistiigi-mips64le', 'mips64el'],
  ])('%s handles qemu-%s', (label, qemuArch) => {
    const entry = parseEntry(entryText(label));
    const found = entry.magic && identFromMagic(entry.magic, entry.mask, entry.offset);
    expect(found && archForIdent(found.ident, found.eFlags)?.qemuArch).toBe(qemuArch);
  });

  it('reads e_flags from a magic that reaches it', () => {
    const entry = parseEntry(entryText('debian-mipsn32'));
    expect(identFromMagic(entry.magic!, entry.mask, 0)).toEqual({
      ident: { class: 32, byteOrder: 'big', machine: 8, machineName: 'MIPS' },
      eFlags: 0x20,
    });
    expect(identFromMagic(Buffer.from(AARCH64_MAGIC, 'hex'), null, 0)).not.toHaveProperty('eFlags');
  });

  it('says nothing about magics that do not pin one ELF identity', () => {
    const magic = Buffer.from(AARCH64_MAGIC, 'hex');
    const mask = Buffer.from(AARCH64_MASK, 'hex');
    const loosened = (i: number, bits: number) =>
      Buffer.from(mask.map((b, j) => (j === i ? bits : b)));
    expect(identFromMagic(magic, mask, 1)).toBeNull();
    expect(identFromMagic(magic.subarray(0, 19), mask.subarray(0, 19), 0)).toBeNull();
    expect(identFromMagic(magic, loosened(0, 0xfe), 0)).toBeNull();
    // 0xfc admits both class (or byte order) 1 and 2; 0xfe would still pin one.
    expect(identFromMagic(magic, loosened(4, 0xfc), 0)).toBeNull();
    expect(identFromMagic(magic, loosened(5, 0xfc), 0)).toBeNull();
    expect(identFromMagic(magic, loosened(4, 0xfe), 0)?.ident.class).toBe(64);
    // e_machine's low byte must be pinned, its high byte need not be (as for ppc64le).
    expect(identFromMagic(magic, loosened(18, 0xfe), 0)).toBeNull();
    expect(identFromMagic(magic, loosened(19, 0x00), 0)?.ident.machine).toBe(183);
    expect(identFromMagic(Buffer.from('MZ'.padEnd(20, '\0')), null, 0)).toBeNull();
    const badClass = Buffer.from(magic);
    badClass[4] = 3;
    expect(identFromMagic(badClass, mask, 0)).toBeNull();
    expect(identFromMagic(parseEntry(entryText('nomask')).magic!, null, 2)).toBeNull();
  });
});

const magicEntries = ENTRY_FIXTURES.map(
  (label) => [label, parseEntry(entryText(label))] as const,
).filter(([, entry]) => entry.type === 'magic');

describe('matchesBinary', () => {
  it.each(Object.entries(ELF_FACTS))(
    '%s matches the captured entries for its arch only',
    (name, facts) => {
      const head = elfHead(name);
      const matching = magicEntries
        .filter(([, entry]) => matchesBinary(entry, head))
        .map(([label]) => label);
      const expected = magicEntries
        .filter(([, entry]) => {
          const found = identFromMagic(entry.magic!, entry.mask, entry.offset);
          return found && archForIdent(found.ident, found.eFlags)?.qemuArch === facts.qemuArch;
        })
        .map(([label]) => label);
      // No captured mask lets e_type 1 (REL) through: no handler gets a .o.
      expect(matching).toEqual(facts.type === 'REL' ? [] : expected);
    },
  );

  it('matches each aarch64 binary to all three aarch64 registrations', () => {
    const head = elfHead('hello-aarch64-dynamic');
    expect(magicEntries.filter(([, e]) => matchesBinary(e, head)).map(([l]) => l)).toEqual([
      'debian-aarch64',
      'multiarch-aarch64',
      'tonistiigi-aarch64',
    ]);
  });

  const entry = (magic: string, mask: string | null, offset = 0): ParsedEntry => ({
    enabled: true,
    type: 'magic',
    interpreter: '/bin/true',
    flags: '',
    offset,
    magic: Buffer.from(magic, 'latin1'),
    mask: mask === null ? null : Buffer.from(mask, 'latin1'),
    extension: null,
  });

  it('compares only the bits in the mask', () => {
    const e = entry('\x12\x34', '\xf0\xff', 1);
    expect(matchesBinary(e, Buffer.from('\x00\x1f\x34', 'latin1'))).toBe(true);
    expect(matchesBinary(e, Buffer.from('\x00\x22\x34', 'latin1'))).toBe(false);
    expect(matchesBinary(e, Buffer.from('\x00\x12\x35', 'latin1'))).toBe(false);
  });

  it('compares every bit without a mask', () => {
    const e = entry('ELF', null, 1);
    expect(matchesBinary(e, elfHead('hello-arm-static'))).toBe(true);
    expect(matchesBinary(e, Buffer.from('\x7fELG', 'latin1'))).toBe(false);
  });

  it('never matches past the header it is given', () => {
    const e = entry('ELF', null, 1);
    expect(matchesBinary(e, Buffer.from('\x7fELF', 'latin1'))).toBe(true);
    expect(matchesBinary(e, Buffer.from('\x7fEL', 'latin1'))).toBe(false);
    expect(matchesBinary(e, Buffer.alloc(0))).toBe(false);
  });

  it('never matches a magic the kernel would look for past byte 256', () => {
    const header = Buffer.alloc(1024, 0x41);
    expect(matchesBinary(entry('AAAA', null, BINPRM_BUF_SIZE - 4), header)).toBe(true);
    expect(matchesBinary(entry('AAAA', null, BINPRM_BUF_SIZE - 3), header)).toBe(false);
  });

  it("matches extensions on the text after the path's last dot, as the kernel does", () => {
    const ext = parseEntry(entryText('extension'));
    const header = Buffer.from('#!/bin/sh\n');
    expect(matchesBinary(ext, header, '/tmp/hello.archdeck')).toBe(true);
    expect(matchesBinary(ext, header, 'hello.archdeck')).toBe(true);
    expect(matchesBinary(ext, header, '/tmp/hello.archdeck.bak')).toBe(false);
    expect(matchesBinary(ext, header, '/tmp/v1.archdeck/hello')).toBe(false);
    expect(matchesBinary(ext, header, '/tmp/archdeck')).toBe(false);
    expect(matchesBinary(ext, header, '/tmp/hello.ARCHDECK')).toBe(false);
    expect(matchesBinary(ext, header)).toBe(false);
  });

  it('does not match an extension entry on magic, nor a magic entry on a name', () => {
    const ext = parseEntry(entryText('extension'));
    expect(matchesBinary(ext, elfHead('hello-aarch64-static'), 'hello')).toBe(false);
    const aarch64 = parseEntry(entryText('debian-aarch64'));
    expect(matchesBinary(aarch64, Buffer.from('#!/bin/sh\n'), 'x.archdeck')).toBe(false);
  });
});
