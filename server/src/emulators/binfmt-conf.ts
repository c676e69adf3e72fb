/**
 * The register line, `:name:type:offset:magic:mask:interpreter:flags`, as written to
 * /proc/sys/fs/binfmt_misc/register and kept one per line in systemd's binfmt.d files.
 * parseRegisterLine accepts what fs/binfmt_misc.c create_entry() accepts; formatRegisterLine
 * writes only lines that are also safe to show and to store.
 */
import {
  BINPRM_BUF_SIZE,
  FLAG_INFO,
  FLAG_ORDER,
  inKernelOrder,
  type ParsedEntry,
} from './entry.js';

export interface RegisterLine {
  name: string;
  type: 'M' | 'E';
  /** Always 0 for type E, whose offset field the kernel ignores. */
  offset: number;
  /** For type E: the extension's bytes, without a dot. */
  magic: Buffer;
  /** null when the field is empty (and always for type E, whose mask the kernel ignores). */
  mask: Buffer | null;
  interpreter: string;
  /** Flag letters as written, e.g. Debian's 'OPF'. */
  flags: string;
}

export class RegisterLineError extends Error {
  override name = 'RegisterLineError';
}

// fs/binfmt_misc.c refuses writes to `register` under 11 or over 1920 bytes. systemd-binfmt
// writes each line with a newline, so a line of its own is at most 1919.
const MIN_WRITE = 11;
const MAX_WRITE = 1920;
// An entry's name becomes a file in binfmt_misc: NAME_MAX, and not one of the control files.
const NAME_MAX = 255;
const CONTROL_FILES = ['register', 'status'];
const BACKSLASH = 0x5c;
const X = 0x78;

const quote = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new RegisterLineError(`${quote(name)} is not a usable entry name`);
  }
  if (Buffer.byteLength(name) > NAME_MAX) {
    throw new RegisterLineError(`the entry name is longer than ${NAME_MAX} bytes`);
  }
  if (CONTROL_FILES.includes(name)) {
    throw new RegisterLineError(`"${name}" is binfmt_misc's own control file`);
  }
}

function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return -1;
  const digit = parseInt(String.fromCharCode(byte), 16);
  return Number.isNaN(digit) ? -1 : digit;
}

/**
 * The kernel's string_unescape(…, UNESCAPE_HEX) on the field's bytes: `\x` and one or two hex
 * digits become that byte, anything else (a lone backslash included) stays as it is.
 */
function unescapeHex(field: string): Buffer {
  const src = Buffer.from(field, 'utf8');
  const out = Buffer.alloc(src.length);
  let n = 0;
  let i = 0;
  while (i < src.length) {
    if (src[i] === BACKSLASH && i + 1 < src.length) {
      i++;
      const high = src[i] === X ? hexDigit(src[i + 1]) : -1;
      if (high !== -1) {
        const low = hexDigit(src[i + 2]);
        out[n++] = low === -1 ? high : high * 16 + low;
        i += low === -1 ? 2 : 3;
        continue;
      }
      out[n++] = BACKSLASH;
    }
    out[n++] = src[i++] ?? 0;
  }
  return out.subarray(0, n);
}

/** Parses one register line, with an optional trailing newline, as the kernel would. */
export function parseRegisterLine(line: string): RegisterLine {
  const size = Buffer.byteLength(line);
  if (size < MIN_WRITE || size > MAX_WRITE) {
    throw new RegisterLineError(
      `a register line is ${MIN_WRITE} to ${MAX_WRITE} bytes, not ${size}`,
    );
  }
  if (line.includes('\0')) throw new RegisterLineError('the line contains a NUL byte');
  const del = line.charAt(0);
  // The kernel takes the first byte; a multi-byte character would split itself.
  if (del.charCodeAt(0) > 0x7f) {
    throw new RegisterLineError(`the delimiter ${quote(del)} is not an ASCII character`);
  }

  let pos = 1;
  const unterminated = (what: string) =>
    new RegisterLineError(`the ${what} is not followed by ${quote(del)}`);
  const field = (what: string): string => {
    const end = line.indexOf(del, pos);
    if (end === -1) throw unterminated(what);
    const value = line.slice(pos, end);
    pos = end + 1;
    return value;
  };
  // Like the kernel's scanarg(): a delimiter right after `\x` is a hex digit, not an end.
  const escapedField = (what: string): string => {
    const start = pos;
    for (;;) {
      if (pos >= line.length) throw unterminated(what);
      const c = line[pos++];
      if (c === del) return line.slice(start, pos - 1);
      if (c === '\\' && line[pos] === 'x') {
        if (!/^[0-9a-fA-F]{2}$/.test(line.slice(pos + 1, pos + 3))) {
          throw new RegisterLineError(`"\\x" in the ${what} needs two hex digits`);
        }
        pos += 3;
      }
    }
  };

  const name = field('name');
  checkName(name);
  const type = field('type');
  if (type !== 'M' && type !== 'E') {
    throw new RegisterLineError(`the type is M (magic) or E (extension), not ${quote(type)}`);
  }

  let offset = 0;
  let magic: Buffer;
  let mask: Buffer | null = null;
  if (type === 'M') {
    const offsetText = field('offset');
    if (offsetText !== '' && !/^\+?[0-9]+$/.test(offsetText)) {
      throw new RegisterLineError(`the offset ${quote(offsetText)} is not a number`);
    }
    offset = Number(offsetText);
    const magicText = escapedField('magic');
    if (magicText === '') throw new RegisterLineError('the magic is empty');
    magic = unescapeHex(magicText);
    const maskText = escapedField('mask');
    if (maskText !== '') {
      mask = unescapeHex(maskText);
      if (mask.length !== magic.length) {
        throw new RegisterLineError(
          `the mask is ${mask.length} bytes but the magic ${magic.length}`,
        );
      }
    }
    if (offset + magic.length > BINPRM_BUF_SIZE) {
      throw new RegisterLineError(
        `offset and magic reach past the ${BINPRM_BUF_SIZE} bytes the kernel reads of a file`,
      );
    }
  } else {
    field('offset');
    const extension = field('extension');
    if (extension === '' || extension.includes('/')) {
      throw new RegisterLineError(`${quote(extension)} is not a file name extension`);
    }
    magic = Buffer.from(extension, 'utf8');
    field('mask');
  }

  const interpreter = field('interpreter');
  if (interpreter === '') throw new RegisterLineError('the interpreter is empty');
  const flags = line.slice(pos).replace(/\n$/, '');
  const unknown = [...flags].find((letter) => !Object.hasOwn(FLAG_INFO, letter));
  if (unknown !== undefined) {
    throw new RegisterLineError(`${quote(unknown)} is not a flag (${FLAG_ORDER.join(', ')})`);
  }
  return { name, type, offset, magic, mask, interpreter, flags };
}

const escapeBytes = (bytes: Buffer): string =>
  [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

const isControl = (c: string) => c < ' ' || c === '\x7f';

function checkText(what: string, text: string): void {
  if (text === '' || text.includes(':') || [...text].some(isControl)) {
    throw new RegisterLineError(
      `the ${what} ${quote(text)} is empty or has ':' or control characters`,
    );
  }
}

/** The line that registers a live magic entry again, as it is; null for an extension entry. */
export function entryRegisterLine(name: string, p: ParsedEntry): string | null {
  if (p.type !== 'magic' || !p.magic) return null;
  return formatRegisterLine({
    name,
    type: 'M',
    offset: p.offset,
    magic: p.magic,
    mask: p.mask,
    interpreter: p.interpreter,
    flags: p.flags,
  });
}

/** Writes a line with ':' delimiters and every magic and mask byte as \xHH. */
export function formatRegisterLine(l: RegisterLine): string {
  checkText('name', l.name);
  checkName(l.name);
  checkText('interpreter', l.interpreter);
  const letters = [...l.flags];
  if (
    new Set(letters).size !== letters.length ||
    letters.some((f) => !Object.hasOwn(FLAG_INFO, f))
  ) {
    throw new RegisterLineError(
      `the flags ${quote(l.flags)} are not distinct letters from ${FLAG_ORDER.join('')}`,
    );
  }

  let fields: string;
  if (l.type === 'M') {
    if (l.magic.length === 0) throw new RegisterLineError('the magic is empty');
    if (l.mask && l.mask.length !== l.magic.length) {
      throw new RegisterLineError(
        `the mask is ${l.mask.length} bytes but the magic ${l.magic.length}`,
      );
    }
    if (
      !Number.isInteger(l.offset) ||
      l.offset < 0 ||
      l.offset + l.magic.length > BINPRM_BUF_SIZE
    ) {
      throw new RegisterLineError(
        `offset and magic must lie within the ${BINPRM_BUF_SIZE} bytes the kernel reads of a file`,
      );
    }
    const mask = l.mask ? escapeBytes(l.mask) : '';
    fields = `M:${l.offset === 0 ? '' : l.offset}:${escapeBytes(l.magic)}:${mask}`;
  } else {
    const extension = l.magic.toString('utf8');
    checkText('extension', extension);
    if (!Buffer.from(extension, 'utf8').equals(l.magic) || extension.includes('/')) {
      throw new RegisterLineError(`${quote(extension)} is not a file name extension`);
    }
    if (l.offset !== 0 || l.mask !== null) {
      throw new RegisterLineError('an extension entry has no offset or mask');
    }
    fields = `E::${extension}:`;
  }

  const line = `:${l.name}:${fields}:${l.interpreter}:${l.flags}`;
  if (Buffer.byteLength(line) >= MAX_WRITE) {
    throw new RegisterLineError(
      `the line is ${Buffer.byteLength(line)} bytes; the kernel takes ${MAX_WRITE} with the newline`,
    );
  }
  return line;
}

// systemd-binfmt's strstrip(): spaces, tabs and line ends, nothing else.
function strip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && ' \t\r\n'.includes(text.charAt(start))) start++;
  while (end > start && ' \t\r\n'.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Reads a binfmt.d file the way systemd-binfmt does; bad lines become errors, not throws. */
export function parseConfFile(text: string): { lines: RegisterLine[]; errors: string[] } {
  const lines: RegisterLine[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = strip(raw);
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    try {
      // systemd-binfmt writes the line with a newline, which counts towards the kernel's limit.
      lines.push(parseRegisterLine(`${line}\n`));
    } catch (error) {
      if (!(error instanceof RegisterLineError)) throw error;
      errors.push(`line ${i + 1}: ${error.message}`);
    }
  });
  return { lines, errors };
}

// The kernel sets O along with C and prints flags in its own order: Debian writes OPF, the
// entry says POF; tonistiigi/binfmt writes CF, the entry says OCF.
function effectiveFlags(flags: string): string {
  const set = new Set(flags);
  if (set.has('C')) set.add('O');
  return inKernelOrder(set).join('');
}

/**
 * Whether a line and a live entry register the same thing: the same interpreter and flags
 * (as a set), and the same extension or the same offset, mask and masked magic. A missing
 * mask counts as all ones.
 */
export function sameRegistration(
  a: RegisterLine,
  b: Pick<
    ParsedEntry,
    'type' | 'offset' | 'magic' | 'mask' | 'extension' | 'interpreter' | 'flags'
  >,
): boolean {
  if (a.interpreter !== b.interpreter || effectiveFlags(a.flags) !== effectiveFlags(b.flags)) {
    return false;
  }
  if (a.type === 'E') return b.type === 'extension' && b.extension === a.magic.toString('utf8');
  if (b.type !== 'magic' || b.magic === null) return false;
  const { magic, mask } = b;
  return (
    a.offset === b.offset &&
    a.magic.length === magic.length &&
    a.magic.every((byte, i) => {
      const maskA = a.mask?.[i] ?? 0xff;
      return maskA === (mask?.[i] ?? 0xff) && ((byte ^ (magic[i] ?? 0)) & maskA) === 0;
    })
  );
}
