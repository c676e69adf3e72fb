/**
 * Property tests: whatever bytes or text arrive, the parsers return a value or throw their own
 * error, quickly; and what formatRegisterLine writes, parseRegisterLine and the kernel's
 * entry format read back unchanged.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  RegisterLineError,
  formatRegisterLine,
  parseConfFile,
  parseRegisterLine,
  sameRegistration,
  type RegisterLine,
} from '../../src/emulators/binfmt-conf.js';
import { ElfError, parseElf, type ElfInfo } from '../../src/emulators/elf.js';
import {
  BINPRM_BUF_SIZE,
  EntryParseError,
  identFromMagic,
  matchesBinary,
  parseEntry,
  type ParsedEntry,
} from '../../src/emulators/entry.js';
import { ARCHES, archForIdent, archForPlatform } from '../../src/emulators/platforms.js';
import { ELF_FIXTURES, ENTRY_FIXTURES, elfHead, entryText, registeredLine } from './fixtures.js';

/** Runs `fn`; a thrown error must be an instance of `errorClass`. */
function returnsOrThrows<T>(errorClass: new (...args: never[]) => Error, fn: () => T): T | null {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof errorClass)) throw error;
    if (error.message === '')
      throw new Error(`${errorClass.name} without a message`, { cause: error });
    return null;
  }
}

const tryElf = (buf: Buffer) => returnsOrThrows(ElfError, () => parseElf(buf));
const tryEntry = (text: string) => returnsOrThrows(EntryParseError, () => parseEntry(text));
const tryLine = (text: string) => returnsOrThrows(RegisterLineError, () => parseRegisterLine(text));

function checkEntry(entry: ParsedEntry | null): void {
  if (!entry) return;
  expect(entry.flags).toMatch(/^P?O?C?F?$/);
  if (entry.type === 'magic') {
    expect(entry.magic?.length).toBeGreaterThan(0);
    expect(entry.offset + (entry.magic?.length ?? 0)).toBeLessThanOrEqual(BINPRM_BUF_SIZE);
    if (entry.mask) expect(entry.mask.length).toBe(entry.magic?.length);
  } else {
    expect(entry.extension).toBeTruthy();
  }
}

function checkLine(line: RegisterLine | null): void {
  if (!line) return;
  expect(line.magic.length).toBeGreaterThan(0);
  expect(line.offset + line.magic.length).toBeLessThanOrEqual(BINPRM_BUF_SIZE);
  if (line.mask) expect(line.mask.length).toBe(line.magic.length);
  if (line.type === 'E') expect([line.offset, line.mask]).toEqual([0, null]);
}

/** Byte edits: overwrite, insert or delete at a position. */
const edits = (maxPosition: number) =>
  fc.array(
    fc.record({
      kind: fc.constantFrom('set', 'insert', 'delete'),
      // Most of what matters lies in the first bytes of a header.
      at: fc.oneof(fc.nat(127), fc.nat(maxPosition)),
      byte: fc.nat(255),
    }),
    { minLength: 1, maxLength: 8 },
  );

function applyEdits(bytes: Buffer, ops: { kind: string; at: number; byte: number }[]): Buffer {
  let out = Buffer.from(bytes);
  for (const { kind, at, byte } of ops) {
    const i = Math.min(at, out.length);
    if (kind === 'set' && i < out.length) out[i] = byte;
    if (kind === 'insert')
      out = Buffer.concat([out.subarray(0, i), Buffer.of(byte), out.subarray(i)]);
    if (kind === 'delete') out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
  }
  return out;
}

describe('parseElf', () => {
  it('returns or throws ElfError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => void tryElf(Buffer.from(bytes))),
      {
        numRuns: 2000,
      },
    );
  });

  it('returns or throws ElfError on random bytes behind a valid identification', () => {
    const ident = fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(1, 2));
    fc.assert(
      fc.property(ident, fc.uint8Array({ maxLength: 600 }), ([cls, data], rest) => {
        tryElf(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls, data]), rest]));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every cut of every real binary past its header, never contradicting the whole', () => {
    // Fewer bytes may know less, never something else: the same identity, the whole's kind
    // among the kinds left open, its loader or none yet; and one more byte never reopens a kind.
    const problems: string[] = [];
    for (const name of ELF_FIXTURES) {
      const head = elfHead(name);
      const whole = parseElf(head);
      const headerSize = whole.ident.class === 64 ? 64 : 52;
      let before: ElfInfo | null = null;
      for (let length = 0; length <= head.length && problems.length < 10; length++) {
        const cut = tryElf(head.subarray(0, length));
        const at = `${name} cut at ${length}`;
        if (!cut) {
          if (length >= headerSize) problems.push(`${at}: an ElfError`);
          continue;
        }
        if (length < headerSize) problems.push(`${at}: read without its whole header`);
        const same =
          isDeepStrictEqual(
            [cut.ident, cut.eFlags, cut.type],
            [whole.ident, whole.eFlags, whole.type],
          ) &&
          whole.linkage.every((kind) => cut.linkage.includes(kind)) &&
          (cut.loader === whole.loader || (cut.loader === null && cut.needsLoader !== false)) &&
          (before === null || cut.linkage.every((kind) => before?.linkage.includes(kind)));
        if (!same) problems.push(`${at}: ${JSON.stringify(cut)}, whole: ${JSON.stringify(whole)}`);
        before = cut;
      }
    }
    expect(problems).toEqual([]);
  });

  it('returns or throws ElfError on edited real binaries', () => {
    const heads = ELF_FIXTURES.map(elfHead);
    fc.assert(
      fc.property(fc.nat(heads.length - 1), edits(4095), (i, ops) => {
        tryElf(applyEdits(heads[i] ?? Buffer.alloc(0), ops));
      }),
      { numRuns: 3000 },
    );
  });

  it('returns or throws ElfError when the program header fields are anything', () => {
    const head = elfHead('hello-aarch64-dynamic');
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(
        u64,
        fc.nat(0xffff),
        fc.nat(0xffff),
        u64,
        u64,
        (phoff, entSize, num, off, size) => {
          const buf = Buffer.from(head);
          buf.writeBigUInt64LE(phoff, 32);
          buf.writeUInt16LE(entSize, 54);
          buf.writeUInt16LE(num, 56);
          // The PT_INTERP entry is the second program header.
          buf.writeBigUInt64LE(off, 64 + 56 + 8);
          buf.writeBigUInt64LE(size, 64 + 56 + 32);
          tryElf(buf);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** Mostly `valid`, sometimes `other`: random input that still gets past the first checks. */
const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: other });
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => mostly(fc.constant(null), arbitrary);
const kernelFlags = fc.subarray(['P', 'O', 'C', 'F']).map((f) => f.join(''));

/** Mostly entry files, with wrong, missing, extra or reordered lines. */
const entryLike = fc
  .record({
    status: mostly(fc.constantFrom('enabled', 'disabled'), fc.constantFrom('on', '')),
    interpreter: mostly(fc.constant('/usr/bin/qemu-aarch64-static'), fc.constantFrom('', '/a b')),
    flags: mostly(kernelFlags, fc.constantFrom('X', 'FP', 'PP', ' P')),
    extension: fc.boolean(),
    offset: mostly(fc.constantFrom('0', '1', '236'), fc.constantFrom('256', '-1', 'x', '')),
    magic: mostly(
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b).toString('hex')),
      fc.constantFrom('7', 'zz', ''),
    ),
    mask: mostly(fc.constantFrom('same', 'none'), fc.constant('other')),
    name: mostly(fc.constant('.jar'), fc.constantFrom('.', 'jar', '.a b')),
    extra: rarely(fc.constantFrom('', 'colour blue', 'offset 0', 'flags: P', 'mask ff')),
    order: rarely(fc.array(fc.nat(), { minLength: 8, maxLength: 8 })),
  })
  .map((r) => {
    const lines = [`interpreter ${r.interpreter}`, `flags: ${r.flags}`];
    if (r.extension) lines.push(`extension ${r.name}`);
    else {
      lines.push(`offset ${r.offset}`, `magic ${r.magic}`);
      if (r.mask === 'same') lines.push(`mask ${r.magic.replace(/./g, 'f')}`);
      if (r.mask === 'other') lines.push('mask ff00');
    }
    if (r.extra !== null) lines.push(r.extra);
    const rank = new Map(lines.map((l, i) => [l, r.order?.[i] ?? i]));
    lines.sort((x, y) => (rank.get(x) ?? 0) - (rank.get(y) ?? 0));
    return `${[r.status, ...lines].join('\n')}\n`;
  });

describe('parseEntry', () => {
  it('returns or throws EntryParseError on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => checkEntry(tryEntry(t))),
      {
        numRuns: 2000,
      },
    );
  });

  it('returns or throws EntryParseError on text shaped like entry files', () => {
    fc.assert(
      fc.property(entryLike, (t) => checkEntry(tryEntry(t))),
      { numRuns: 3000 },
    );
  });

  it('returns or throws EntryParseError on every truncation of every captured entry', () => {
    for (const label of ENTRY_FIXTURES) {
      const text = entryText(label);
      for (let length = 0; length <= text.length; length++) {
        checkEntry(tryEntry(text.slice(0, length)));
      }
    }
  });

  it('returns or throws EntryParseError on edited captured entries', () => {
    const texts = ENTRY_FIXTURES.map((l) => Buffer.from(entryText(l)));
    fc.assert(
      fc.property(fc.nat(texts.length - 1), edits(300), (i, ops) => {
        checkEntry(tryEntry(applyEdits(texts[i] ?? Buffer.alloc(0), ops).toString('latin1')));
      }),
      { numRuns: 3000 },
    );
  });
});

// One byte each, so a mask of as many tokens fits its magic; the others rarely.
const byteToken = mostly(
  fc.constantFrom('\\x7f', 'E', 'L', 'F', '\\x00', '\\xff', '\\x3a', 'a', 'x'),
  fc.constantFrom('\\', '\\x1', '\\xzz', ':', '|', 'é'),
);

/** Mostly register lines, with odd delimiters, names, escapes, fields and flags. */
const registerLike = fc
  .record({
    del: mostly(fc.constant(':'), fc.constantFrom('|', 'a', '\\', 'x', 'é')),
    name: mostly(fc.constant('qemu-x'), fc.constantFrom('', '.', 'a/b', 'a:b', 'status', 'é')),
    type: mostly(fc.constantFrom('M', 'E'), fc.constantFrom('X', '', 'MM')),
    offset: mostly(fc.constantFrom('', '0', '1', '+2'), fc.constantFrom('-1', '255', 'x')),
    magic: fc.array(byteToken, { maxLength: 24 }),
    mask: mostly(fc.constantFrom('same', 'none'), fc.constant('other')),
    interpreter: mostly(
      fc.constant('/usr/bin/qemu-aarch64-static'),
      fc.constantFrom('', 'a:b', 'a|b'),
    ),
    flags: mostly(
      fc.shuffledSubarray(['P', 'O', 'C', 'F']).map((f) => f.join('')),
      fc.constantFrom('X', 'f', 'P\nO', 'PP'),
    ),
    newline: fc.boolean(),
  })
  .map((r) => {
    const mask =
      r.mask === 'same' ? '\\xff'.repeat(r.magic.length) : r.mask === 'other' ? 'ab' : '';
    const fields = ['', r.name, r.type, r.offset, r.magic.join(''), mask, r.interpreter, r.flags];
    return fields.join(r.del) + (r.newline ? '\n' : '');
  });

describe('parseRegisterLine', () => {
  it('returns or throws RegisterLineError on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => checkLine(tryLine(t))),
      {
        numRuns: 2000,
      },
    );
  });

  it('returns or throws RegisterLineError on text shaped like register lines', () => {
    fc.assert(
      fc.property(registerLike, (t) => checkLine(tryLine(t))),
      { numRuns: 5000 },
    );
  });

  it('returns or throws RegisterLineError on edited real lines', () => {
    const texts = ENTRY_FIXTURES.map((l) => Buffer.from(formatRegisterLine(registeredLine(l))));
    fc.assert(
      fc.property(fc.nat(texts.length - 1), edits(400), (i, ops) => {
        checkLine(tryLine(applyEdits(texts[i] ?? Buffer.alloc(0), ops).toString('latin1')));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles lines at and past the kernel size limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 1940 }),
        fc.constantFrom('a', 'é', '\\x41'),
        (size, unit) => {
          checkLine(
            tryLine(`:x:M::${unit.repeat(Math.ceil(size / unit.length))}::/i:`.slice(0, size)),
          );
        },
      ),
    );
  });
});

const text = (constraints: { minLength: number; maxLength: number }) =>
  fc.string({ unit: 'grapheme', ...constraints });
const validName = text({ minLength: 1, maxLength: 30 }).filter(
  (n) =>
    !/[:/]/.test(n) &&
    n !== '.' &&
    n !== '..' &&
    n !== 'status' &&
    n !== 'register' &&
    Buffer.byteLength(n) <= 255,
);
const validInterpreter = text({ minLength: 0, maxLength: 30 })
  .filter((t) => !t.includes(':'))
  .map((t) => `/${t}`);
const validFlags = fc.shuffledSubarray(['P', 'O', 'C', 'F']).map((f) => f.join(''));
const magicLine = fc
  .record({
    name: validName,
    interpreter: validInterpreter,
    flags: validFlags,
    magic: fc.uint8Array({ minLength: 1, maxLength: 128 }),
    maskSeed: fc.uint8Array({ minLength: 128, maxLength: 128 }),
    hasMask: fc.boolean(),
    offset: fc.nat(128),
  })
  .map(({ magic, maskSeed, hasMask, ...rest }): RegisterLine => ({
    ...rest,
    type: 'M',
    magic: Buffer.from(magic),
    mask: hasMask ? Buffer.from(maskSeed.subarray(0, magic.length)) : null,
  }));
const extensionLine = fc
  .record({
    name: validName,
    interpreter: validInterpreter,
    flags: validFlags,
    extension: text({ minLength: 1, maxLength: 10 }).filter((e) => !/[:/]/.test(e)),
  })
  .map(({ extension, ...rest }): RegisterLine => ({
    ...rest,
    type: 'E',
    offset: 0,
    magic: Buffer.from(extension),
    mask: null,
  }));
const validLine = fc.oneof(magicLine, extensionLine);

/** An entry file as fs/binfmt_misc.c entry_status() would print this line's registration. */
function kernelEntry(l: RegisterLine): string {
  const flags = [...'POCF'].filter(
    (f) => l.flags.includes(f) || (f === 'O' && l.flags.includes('C')),
  );
  const head = `enabled\ninterpreter ${l.interpreter}\nflags: ${flags.join('')}\n`;
  if (l.type === 'E') return `${head}extension .${l.magic.toString('utf8')}\n`;
  const mask = l.mask ? `mask ${l.mask.toString('hex')}\n` : '';
  return `${head}offset ${l.offset}\nmagic ${l.magic.toString('hex')}\n${mask}`;
}

describe('formatRegisterLine', () => {
  it('writes lines that parse back to what was formatted', () => {
    fc.assert(
      fc.property(validLine, (l) => {
        const written = formatRegisterLine(l);
        expect(parseRegisterLine(written)).toEqual(l);
        expect(formatRegisterLine(parseRegisterLine(written))).toBe(written);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes lines whose kernel entries are the same registration', () => {
    fc.assert(
      fc.property(validLine, (l) => {
        const entry = parseEntry(kernelEntry(l));
        expect(sameRegistration(l, entry)).toBe(true);
        expect(sameRegistration({ ...l, interpreter: `${l.interpreter}x` }, entry)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns a line that parses back, or throws RegisterLineError, whatever it is given', () => {
    const anything = fc
      .record({
        name: mostly(validName, fc.string({ unit: 'binary', maxLength: 300 })),
        type: fc.constantFrom('M' as const, 'E' as const),
        offset: mostly(fc.constant(0), fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double())),
        magic: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        mask: fc.constantFrom('none', 'same', 'other'),
        interpreter: mostly(validInterpreter, fc.string({ unit: 'binary', maxLength: 1000 })),
        flags: mostly(validFlags, fc.string({ maxLength: 6 })),
      })
      .map(({ mask, ...l }) => ({
        ...l,
        mask:
          mask === 'none' ? null : mask === 'same' ? Buffer.from(l.magic).fill(0xf0) : Buffer.of(1),
      }));
    fc.assert(
      fc.property(anything, (l) => {
        const written = returnsOrThrows(RegisterLineError, () => formatRegisterLine(l));
        // An offset of -0 is written, and so read back, as 0.
        if (written !== null)
          expect(parseRegisterLine(written)).toEqual({ ...l, offset: l.offset + 0 });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('platforms and matching', () => {
  it('archForPlatform returns an emulator or null for any text', () => {
    const platform = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom(
          'linux',
          '/',
          'arm',
          '64',
          'v7',
          'v8',
          'amd',
          'constructor',
          '__proto__',
        ),
      }),
    );
    fc.assert(
      fc.property(platform, (p) => {
        const arch = archForPlatform(p);
        if (arch) expect(ARCHES).toContain(arch);
      }),
      { numRuns: 2000 },
    );
  });

  it('identFromMagic, archForIdent and matchesBinary take any magic, mask, offset or header', () => {
    const magics = fc.record({
      magic: fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => Buffer.from(b)),
      mask: fc.option(fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b))),
      offset: fc.nat(300),
      header: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      eFlags: fc.oneof(fc.nat(), fc.integer(), fc.double()),
    });
    fc.assert(
      fc.property(magics, ({ magic, mask, offset, header, eFlags }) => {
        const fitted = mask?.subarray(0, magic.length) ?? null;
        const found = identFromMagic(magic, fitted, offset);
        if (found) archForIdent(found.ident, found.eFlags);
        archForIdent({ class: 64, byteOrder: 'little', machine: magic.length }, eFlags);
        matchesBinary({ type: 'magic', offset, magic, mask: fitted, extension: null }, header);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('large inputs', () => {
  // A parser that backtracks or rescans would take minutes here, not milliseconds.
  it('are read in linear time', { timeout: 5000 }, () => {
    const big = 'a'.repeat(4_000_000);
    checkEntry(tryEntry(`enabled\ninterpreter ${big}\nflags: \nextension .${big}\n`));
    checkEntry(
      tryEntry(`enabled\ninterpreter /i\nflags: \noffset 0\nmagic ${'0'.repeat(2_000_000)}\n`),
    );
    checkLine(tryLine(`:${big}`));
    const spaced = `${' '.repeat(1_000_000)}:x${' '.repeat(1_000_000)}\n`;
    expect(parseConfFile(spaced.repeat(4)).errors).toHaveLength(4);
    expect(tryElf(Buffer.alloc(16 * 1024 * 1024))).toBeNull();
  });
});
