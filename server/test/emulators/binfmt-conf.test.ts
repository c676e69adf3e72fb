import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  RegisterLineError,
  entryRegisterLine,
  formatRegisterLine,
  parseConfFile,
  parseRegisterLine,
  sameRegistration,
  type RegisterLine,
} from '../../src/emulators/binfmt-conf.js';
import { parseEntry } from '../../src/emulators/entry.js';
import { ARCHES, archForQemu } from '../../src/emulators/platforms.js';
import { ENTRY_FIXTURES, entryText, registeredLine } from './fixtures.js';

const BINFMT_D = '/usr/lib/binfmt.d';
const debianTemplates = existsSync(BINFMT_D)
  ? readdirSync(BINFMT_D)
      .filter((f) => /^qemu-.+\.conf$/.test(f))
      .sort()
  : [];

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RegisterLineError);
    return (error as Error).message;
  }
  throw new Error('expected a RegisterLineError');
}

const aarch64 = archForQemu('aarch64')!;
const line = (overrides: Partial<RegisterLine> = {}): RegisterLine => ({
  name: 'qemu-aarch64',
  type: 'M',
  offset: 0,
  magic: aarch64.magic,
  mask: aarch64.mask,
  interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
  flags: 'OPF',
  ...overrides,
});

describe('the built-in table against Debian', () => {
  it(`every ${BINFMT_D}/qemu-*.conf on this machine parses and equals ARCHES`, () => {
    expect(debianTemplates.length).toBeGreaterThanOrEqual(29);
    for (const file of debianTemplates) {
      const { lines, errors } = parseConfFile(readFileSync(`${BINFMT_D}/${file}`, 'utf8'));
      expect(errors).toEqual([]);
      expect(lines).toHaveLength(1);
      const [l] = lines as [RegisterLine];
      const arch = archForQemu(file.slice('qemu-'.length, -'.conf'.length));
      expect(arch, file).not.toBeNull();
      expect(l.magic.toString('hex'), file).toBe(arch?.magic.toString('hex'));
      expect(l.mask?.toString('hex'), file).toBe(arch?.mask.toString('hex'));
      expect(l).toMatchObject({
        type: 'M',
        offset: 0,
        flags: 'OPF',
        name: `qemu-${arch?.qemuArch}`,
      });
      expect(l.interpreter).toBe(`/usr/libexec/qemu-binfmt/${arch?.qemuArch}-binfmt-P`);
    }
  });

  it('Debian leaves out only the host family and what qemu-binfmt-conf.sh adds on top', () => {
    const templated = new Set(debianTemplates.map((f) => f.slice('qemu-'.length, -'.conf'.length)));
    expect(ARCHES.map((a) => a.qemuArch).filter((a) => !templated.has(a))).toEqual([
      'aarch64_be',
      'i386',
      'microblazeel',
      'nios2',
      'or1k',
      'x86_64',
    ]);
  });

  it('has an entry for every qemu-*-static installed here', () => {
    const installed = readdirSync('/usr/bin')
      .filter((f) => /^qemu-.+-static$/.test(f))
      .map((f) => f.slice('qemu-'.length, -'-static'.length));
    expect(installed.sort()).toEqual(ARCHES.map((a) => a.qemuArch));
  });

  it('formats Debian lines back byte for byte, where Debian escapes every byte', () => {
    for (const label of ENTRY_FIXTURES.filter((l) => l.startsWith('debian-'))) {
      const text = readFileSync(
        new URL(`../fixtures/binfmt/${label}.line`, import.meta.url),
        'utf8',
      );
      expect(formatRegisterLine(parseRegisterLine(text))).toBe(text.trimEnd());
    }
  });
});

describe('round trips', () => {
  it.each(ARCHES.map((a) => [a.qemuArch, a]))('%s', (qemuArch, a) => {
    const l: RegisterLine = {
      name: `qemu-${qemuArch}`,
      type: 'M',
      offset: 0,
      magic: a.magic,
      mask: a.mask,
      interpreter: `/usr/libexec/qemu-binfmt/${qemuArch}-binfmt-P`,
      flags: 'POF',
    };
    expect(parseRegisterLine(formatRegisterLine(l))).toEqual(l);
  });

  it('keeps offsets, missing masks and extensions', () => {
    for (const l of [
      line({ offset: 12, mask: null, flags: '' }),
      line({ type: 'E', magic: Buffer.from('jar'), mask: null, flags: 'F' }),
      line({ magic: Buffer.from([0, 0x3a, 0x5c, 0x0a]), mask: Buffer.from([0xff, 0, 0x5c, 0x3a]) }),
    ]) {
      expect(parseRegisterLine(formatRegisterLine(l))).toEqual(l);
    }
  });

  it('writes an offset of 0 as an empty field, like binfmt.d files', () => {
    expect(formatRegisterLine(line())).toMatch(/^:qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02/);
    expect(formatRegisterLine(line({ offset: 3 }))).toMatch(/^:qemu-aarch64:M:3:/);
    expect(formatRegisterLine(line({ type: 'E', magic: Buffer.from('jar'), mask: null }))).toBe(
      ':qemu-aarch64:E::jar::/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF',
    );
  });
});

describe('sameRegistration: lines against the entries the kernel made of them', () => {
  it.each(ENTRY_FIXTURES)('%s', (label) => {
    expect(sameRegistration(registeredLine(label), parseEntry(entryText(label)))).toBe(true);
  });

  const debianLine = registeredLine('debian-aarch64');
  const live = parseEntry(entryText('debian-aarch64'));

  it('sees a changed flag', () => {
    expect(sameRegistration({ ...debianLine, flags: 'OP' }, live)).toBe(false);
    expect(sameRegistration({ ...debianLine, flags: 'OPFC' }, live)).toBe(false);
    expect(sameRegistration({ ...debianLine, flags: 'FPO' }, live)).toBe(true);
    expect(sameRegistration({ ...debianLine, flags: 'POF' }, { ...live, flags: 'PF' })).toBe(false);
  });

  it('counts C as C and O, as the kernel does', () => {
    const tonistiigi = parseEntry(entryText('tonistiigi-aarch64'));
    const cf = { ...debianLine, interpreter: tonistiigi.interpreter, flags: 'CF' };
    expect(sameRegistration(cf, tonistiigi)).toBe(true);
    expect(sameRegistration({ ...cf, flags: 'F' }, tonistiigi)).toBe(false);
  });

  it('sees a different interpreter', () => {
    expect(sameRegistration(debianLine, parseEntry(entryText('multiarch-aarch64')))).toBe(false);
    expect(
      sameRegistration({ ...debianLine, interpreter: '/usr/bin/qemu-aarch64-static' }, live),
    ).toBe(false);
  });

  it('compares the magic only where the mask looks', () => {
    const flipped = (i: number, bits: number) =>
      Buffer.from(debianLine.magic.map((b, j) => (j === i ? b ^ bits : b)));
    // Byte 7 (EI_OSABI) is masked out entirely, byte 16 (e_type) but for its lowest bit.
    expect(sameRegistration({ ...debianLine, magic: flipped(7, 0xff) }, live)).toBe(true);
    expect(sameRegistration({ ...debianLine, magic: flipped(16, 0x01) }, live)).toBe(true);
    expect(sameRegistration({ ...debianLine, magic: flipped(16, 0x02) }, live)).toBe(false);
    expect(sameRegistration({ ...debianLine, magic: flipped(18, 0x01) }, live)).toBe(false);
  });

  it('sees a different mask, offset or length', () => {
    const mips64el = registeredLine('debian-mips64el');
    const tonistiigi = parseEntry(entryText('tonistiigi-mips64le'));
    const sameButMask = { ...mips64el, interpreter: tonistiigi.interpreter, flags: 'CF' };
    expect(sameRegistration(sameButMask, tonistiigi)).toBe(false);
    expect(sameRegistration({ ...sameButMask, mask: tonistiigi.mask }, tonistiigi)).toBe(true);
    expect(sameRegistration({ ...debianLine, offset: 1 }, live)).toBe(false);
    expect(sameRegistration({ ...debianLine, magic: debianLine.magic.subarray(0, 19) }, live)).toBe(
      false,
    );
  });

  it('treats a missing mask as all ones', () => {
    const allOnes = Buffer.alloc(live.magic!.length, 0xff);
    const unmasked = { ...live, magic: Buffer.from(live.magic!), mask: null };
    expect(sameRegistration({ ...debianLine, mask: allOnes }, unmasked)).toBe(true);
    expect(sameRegistration({ ...debianLine, mask: null }, unmasked)).toBe(true);
    expect(sameRegistration({ ...debianLine, mask: null }, live)).toBe(false);
  });

  it('never calls a magic and an extension the same', () => {
    const ext = parseEntry(entryText('extension'));
    expect(sameRegistration(registeredLine('extension'), { ...ext, extension: 'jar' })).toBe(false);
    expect(sameRegistration({ ...debianLine, interpreter: '/bin/cat', flags: '' }, ext)).toBe(
      false,
    );
    expect(
      sameRegistration(
        { ...registeredLine('extension'), interpreter: live.interpreter, flags: 'POF' },
        live,
      ),
    ).toBe(false);
  });
});

describe('entryRegisterLine: a live entry registered again', () => {
  it.each(ENTRY_FIXTURES.filter((label) => label !== 'extension'))(
    '%s: the line registers what the entry is',
    (label) => {
      const entry = parseEntry(entryText(label));
      const again = parseRegisterLine(entryRegisterLine(label, entry)!);
      expect(again.name).toBe(label);
      expect(sameRegistration(again, entry)).toBe(true);
    },
  );

  it('has none for an extension entry', () => {
    expect(entryRegisterLine('extension', parseEntry(entryText('extension')))).toBeNull();
  });
});

describe('parseRegisterLine, as fs/binfmt_misc.c create_entry() parses', () => {
  it("reads tonistiigi/binfmt's explicit offset 0 and an empty one alike", () => {
    expect(registeredLine('tonistiigi-aarch64').offset).toBe(0);
    expect(registeredLine('debian-aarch64').offset).toBe(0);
    expect(parseRegisterLine(':x:M:+7:ab::/i:').offset).toBe(7);
  });

  it('mixes \\x escapes with literal characters (Debian writes \\x7fELF for hexagon)', () => {
    expect(parseRegisterLine(':x:M::\\x7fELF\\x01::/i:').magic.toString('hex')).toBe('7f454c4601');
  });

  it('keeps a backslash that starts no \\x escape, as string_unescape does', () => {
    // The kernel registered this as magic 615c5c62.
    expect(parseRegisterLine(':x:M::a\\\\b::/i:').magic.toString('hex')).toBe('615c5c62');
    expect(parseRegisterLine(':x:M::a\\b::/i:').magic.toString('hex')).toBe('615c62');
  });

  it('takes the delimiter from the first character', () => {
    // The kernel registered this with interpreter /bin/a:b, offset 1, magic 7c7c.
    const l = parseRegisterLine('|pipe|M|1|\\x7c\\x7c||/bin/a:b|O');
    expect(l).toMatchObject({ name: 'pipe', offset: 1, interpreter: '/bin/a:b', flags: 'O' });
    expect(l.magic.toString('hex')).toBe('7c7c');
  });

  it('does not end an escaped field at a delimiter inside \\xHH', () => {
    const l = parseRegisterLine('a1aMa0a\\xaaaa/ia');
    expect(l.magic.toString('hex')).toBe('aa');
    expect(l.interpreter).toBe('/i');
  });

  it('encodes literal non-ASCII characters as UTF-8', () => {
    expect(parseRegisterLine(':x:M::é::/i:').magic.toString('hex')).toBe('c3a9');
  });

  it('ignores the offset and mask fields of an extension entry', () => {
    // The kernel registered this and printed "extension .ext2".
    expect(parseRegisterLine(':x:E:zz:ext2:qq:/bin/cat:')).toEqual({
      name: 'x',
      type: 'E',
      offset: 0,
      magic: Buffer.from('ext2'),
      mask: null,
      interpreter: '/bin/cat',
      flags: '',
    });
  });

  it('accepts a trailing newline and repeated flags', () => {
    expect(parseRegisterLine(':x:M::ab::/i:OF\n').flags).toBe('OF');
    expect(parseRegisterLine(':x:M::ab::/i:PPO').flags).toBe('PPO');
  });

  it('takes 1920 bytes and no more, nor fewer than 11', () => {
    const sized = (size: number) => `:x:M::ab::/${'a'.repeat(size - 12)}:`;
    expect(sized(1920)).toHaveLength(1920);
    expect(parseRegisterLine(sized(1920)).interpreter).toHaveLength(1909);
    expect(rejection(() => parseRegisterLine(sized(1921)))).toMatch(/11 to 1920 bytes, not 1921/);
    expect(rejection(() => parseRegisterLine(':x:E::a::/'))).toMatch(/not 10/);
    expect(rejection(() => parseRegisterLine(`:x:M::ab::/${'é'.repeat(955)}:`))).toMatch(
      /not 1922/,
    );
  });

  it('takes a magic up to byte 256 of the file', () => {
    const magic = (n: number) => '\\x01'.repeat(n);
    expect(parseRegisterLine(`:x:M::${magic(256)}::/i:`).magic).toHaveLength(256);
    expect(parseRegisterLine(`:x:M:56:${magic(200)}::/i:`).offset).toBe(56);
    expect(rejection(() => parseRegisterLine(`:x:M:57:${magic(200)}::/i:`))).toMatch(
      /past the 256/,
    );
    expect(rejection(() => parseRegisterLine(`:x:M::${magic(257)}::/i:`))).toMatch(/past the 256/);
  });

  it('takes names of up to 255 bytes (the kernel answers ENAMETOOLONG after)', () => {
    expect(parseRegisterLine(`:${'n'.repeat(255)}:M::ab::/i:`).name).toHaveLength(255);
    expect(rejection(() => parseRegisterLine(`:${'n'.repeat(256)}:M::ab::/i:`))).toMatch(
      /255 bytes/,
    );
  });

  it.each([
    ['an empty name', '::M::ab::/i:', /not a usable entry name/],
    ['the name .', ':.:M::ab::/i:', /not a usable entry name/],
    ['the name ..', ':..:M::ab::/i:', /not a usable entry name/],
    ['a / in the name', ':a/b:M::ab::/i:', /not a usable entry name/],
    ['the name status', ':status:M::ab::/i:', /control file/],
    ['the name register', ':register:M::ab::/i:', /control file/],
    ['an unknown type', ':x:X::ab::/i:', /type is M \(magic\) or E \(extension\), not "X"/],
    ['a two-letter type', ':x:MM::ab::/i:', /not "MM"/],
    ['a negative offset', ':x:M:-1:ab::/i:', /offset "-1" is not a number/],
    ['a hex offset', ':x:M:0x10:ab::/i:', /is not a number/],
    ['an empty magic', ':x:M::::/i:', /magic is empty/],
    ['\\x with one digit', ':x:M::\\x1::/i:', /needs two hex digits/],
    ['\\x with no digits', ':x:M::\\xzz::/i:', /needs two hex digits/],
    ['a mask of another length', ':x:M::ab:\\xff:/i:', /mask is 1 bytes but the magic 2/],
    ['an extension with /', ':x:E::a/b::/i:', /not a file name extension/],
    ['an empty extension', ':x:E::::/bin/cat:', /not a file name extension/],
    ['an empty interpreter', ':x:M::ab:::F', /interpreter is empty/],
    ['an unknown flag', ':x:M::ab::/i:X', /"X" is not a flag/],
    ['a lower-case flag', ':x:M::ab::/i:f', /"f" is not a flag/],
    ['text after the newline', ':x:M::ab::/i:F\nP', /"\\n" is not a flag/],
    ['a missing flags delimiter', ':x:M::ab::/bin/i', /interpreter is not followed by ":"/],
    ['a missing mask field', ':x:M::abcdefgh', /magic is not followed by ":"/],
    ['a NUL', ':x:M::a\0b::/i:', /NUL/],
    ['a multi-byte delimiter', 'éxéMééabéééé/iééé', /not an ASCII character/],
  ])('rejects %s', (_what, text, message) => {
    expect(rejection(() => parseRegisterLine(text))).toMatch(message);
  });
});

describe('formatRegisterLine refuses what it cannot write safely', () => {
  it.each([
    ['a name with the delimiter', { name: 'a:b' }, /name "a:b"/],
    ['a name with /', { name: 'a/b' }, /not a usable entry name/],
    ['a name with a newline', { name: 'a\nb' }, /control characters/],
    ['a name with DEL', { name: 'a\x7fb' }, /control characters/],
    ['the name ..', { name: '..' }, /not a usable entry name/],
    ['the name status', { name: 'status' }, /control file/],
    ['a 256-byte name', { name: 'n'.repeat(256) }, /255 bytes/],
    ['an empty interpreter', { interpreter: '' }, /interpreter "" is empty/],
    ['an interpreter with the delimiter', { interpreter: '/usr/bin/a:b' }, /interpreter/],
    ['an interpreter with a tab', { interpreter: '/usr/bin/a\tb' }, /control characters/],
    ['an unknown flag', { flags: 'POX' }, /not distinct letters from POCF/],
    ['a repeated flag', { flags: 'PP' }, /not distinct letters from POCF/],
    ['an empty magic', { magic: Buffer.alloc(0), mask: null }, /magic is empty/],
    ['a mask of another length', { mask: Buffer.alloc(3) }, /mask is 3 bytes but the magic 20/],
    ['a negative offset', { offset: -1 }, /within the 256 bytes/],
    ['a fractional offset', { offset: 1.5 }, /within the 256 bytes/],
    ['a magic past byte 256', { offset: 237 }, /within the 256 bytes/],
    [
      'an extension with /',
      { type: 'E', magic: Buffer.from('a/b'), mask: null },
      /not a file name extension/,
    ],
    [
      'an extension with :',
      { type: 'E', magic: Buffer.from('a:b'), mask: null },
      /extension "a:b"/,
    ],
    [
      'an extension of invalid UTF-8',
      { type: 'E', magic: Buffer.from([0xff]), mask: null },
      /not a file name/,
    ],
    ['an extension with a mask', { type: 'E', magic: Buffer.from('jar') }, /no offset or mask/],
    [
      'an extension with an offset',
      { type: 'E', magic: Buffer.from('jar'), mask: null, offset: 2 },
      /no offset/,
    ],
  ] as const)('rejects %s', (_what, overrides, message) => {
    expect(rejection(() => formatRegisterLine(line(overrides as Partial<RegisterLine>)))).toMatch(
      message,
    );
  });

  it('keeps the line under 1920 bytes with its newline', () => {
    // ':x:E::a::' + interpreter + ':' is 10 bytes around the interpreter.
    const ext = (n: number) =>
      line({
        name: 'x',
        type: 'E',
        magic: Buffer.from('a'),
        mask: null,
        flags: '',
        interpreter: `/${'i'.repeat(n - 1)}`,
      });
    expect(formatRegisterLine(ext(1909))).toHaveLength(1919);
    expect(rejection(() => formatRegisterLine(ext(1910)))).toMatch(
      /1920 bytes; the kernel takes 1920/,
    );
  });
});

describe('parseConfFile, as systemd-binfmt reads binfmt.d', () => {
  it('skips blanks and # or ; comments, strips whitespace, reports bad lines by number', () => {
    const text = [
      '# qemu for arm64',
      '',
      '; another comment style',
      `  ${formatRegisterLine(line())}\t\r`,
      ':broken',
      '   ',
      formatRegisterLine(line({ name: 'second', flags: 'F' })),
      '',
    ].join('\n');
    const { lines, errors } = parseConfFile(text);
    expect(lines.map((l) => [l.name, l.flags])).toEqual([
      ['qemu-aarch64', 'OPF'],
      ['second', 'F'],
    ]);
    expect(errors).toEqual(['line 5: a register line is 11 to 1920 bytes, not 8']);
  });

  it('counts the newline systemd-binfmt writes with each line', () => {
    const sized = (size: number) => `:x:M::ab::/${'a'.repeat(size - 12)}:`;
    expect(parseConfFile(sized(1919)).errors).toEqual([]);
    expect(parseConfFile(sized(1920)).errors).toEqual([
      'line 1: a register line is 11 to 1920 bytes, not 1921',
    ]);
  });

  it('reads an empty file', () => {
    expect(parseConfFile('')).toEqual({ lines: [], errors: [] });
  });
});
