/**
 * The kernel's binfmt_misc entry files (/proc/sys/fs/binfmt_misc/<name>) as
 * fs/binfmt_misc.c entry_status() prints them, and the kernel's rule for which entry a binary
 * matches.
 */
import type { ElfIdent, FlagInfo } from '@archdeck/shared';
import { machineName } from './platforms.js';

export interface ParsedEntry {
  enabled: boolean;
  type: 'magic' | 'extension';
  interpreter: string;
  /** The flag letters as the kernel prints them: FLAG_ORDER letters, each once, in that order. */
  flags: string;
  /** Always 0 for an extension entry. */
  offset: number;
  magic: Buffer | null;
  /** null when the entry was registered without one: every magic bit counts. */
  mask: Buffer | null;
  /** For an extension entry, the extension without its dot. */
  extension: string | null;
}

export class EntryParseError extends Error {
  override name = 'EntryParseError';
}

/** The kernel matches magic only within the first BINPRM_BUF_SIZE bytes of a file. */
export const BINPRM_BUF_SIZE = 256;

const KEYS = ['interpreter', 'flags:', 'offset', 'magic', 'mask', 'extension'];

const quote = (text: string | undefined): string =>
  text === undefined
    ? 'nothing'
    : JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

function hexBytes(text: string, what: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
    throw new EntryParseError(`${what} is not hex: ${quote(text)}`);
  }
  return Buffer.from(text, 'hex');
}

/** Parses an entry file's text; throws EntryParseError when it is not one. */
export function parseEntry(text: string): ParsedEntry {
  const [status, ...lines] = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  if (status !== 'enabled' && status !== 'disabled') {
    throw new EntryParseError(`expected "enabled" or "disabled", found ${quote(status)}`);
  }
  const values = new Map<string, string>();
  for (const line of lines) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    if (space === -1 || !KEYS.includes(key)) {
      throw new EntryParseError(`unexpected line ${quote(line)}`);
    }
    if (values.has(key)) throw new EntryParseError(`more than one ${key} line`);
    values.set(key, line.slice(space + 1));
  }

  const interpreter = values.get('interpreter');
  if (!interpreter) throw new EntryParseError('no interpreter');
  const flags = values.get('flags:');
  if (flags === undefined || inKernelOrder(flags).join('') !== flags) {
    throw new EntryParseError(
      `flags should be letters from ${FLAG_ORDER.join('')}, found ${quote(flags)}`,
    );
  }
  const enabled = status === 'enabled';

  const extension = values.get('extension');
  if (extension !== undefined) {
    if (values.has('offset') || values.has('magic') || values.has('mask')) {
      throw new EntryParseError('an entry has an extension or a magic, not both');
    }
    if (!extension.startsWith('.') || extension.length < 2) {
      throw new EntryParseError(`extension should be ".<name>", found ${quote(extension)}`);
    }
    return {
      enabled,
      type: 'extension',
      interpreter,
      flags,
      offset: 0,
      magic: null,
      mask: null,
      extension: extension.slice(1),
    };
  }

  const offsetText = values.get('offset');
  const magicText = values.get('magic');
  if (offsetText === undefined || magicText === undefined) {
    throw new EntryParseError('neither an extension nor an offset and magic');
  }
  if (!/^[0-9]{1,3}$/.test(offsetText)) {
    throw new EntryParseError(`offset is not a number of bytes: ${quote(offsetText)}`);
  }
  const offset = Number(offsetText);
  const magic = hexBytes(magicText, 'magic');
  const maskText = values.get('mask');
  const mask = maskText === undefined ? null : hexBytes(maskText, 'mask');
  if (mask && mask.length !== magic.length) {
    throw new EntryParseError(`mask is ${mask.length} bytes but magic ${magic.length}`);
  }
  if (offset + magic.length > BINPRM_BUF_SIZE) {
    throw new EntryParseError(`magic at ${offset} reaches past the ${BINPRM_BUF_SIZE} bytes read`);
  }
  return { enabled, type: 'magic', interpreter, flags, offset, magic, mask, extension: null };
}

/** The flag letters in the order fs/binfmt_misc.c entry_status() prints them. */
export const FLAG_ORDER = ['P', 'O', 'C', 'F'] as const;
export type FlagLetter = (typeof FLAG_ORDER)[number];

/** The flag letters among `letters`, each once, in the kernel's order; other letters are dropped. */
export function inKernelOrder(letters: Iterable<string>): FlagLetter[] {
  const present = new Set(letters);
  return FLAG_ORDER.filter((l) => present.has(l));
}

export const FLAG_INFO: Record<FlagLetter, FlagInfo> = {
  P: {
    letter: 'P',
    name: 'preserve-argv0',
    meaning:
      "Passes the program's own argv[0] on (otherwise the kernel replaces it with the binary's " +
      'path), so multi-call programs like busybox see the name they were run as. The ' +
      "interpreter must expect it, as Debian's …-binfmt-P wrappers do.",
  },
  O: {
    letter: 'O',
    name: 'open-binary',
    meaning:
      'The kernel opens the binary and hands the interpreter a file descriptor instead of a ' +
      'path, so binaries that may be executed but not read still run.',
  },
  C: {
    letter: 'C',
    name: 'credentials',
    meaning:
      'Credentials come from the binary, not the interpreter: setuid and setgid binaries run ' +
      "with their owner's rights (implies O). A security risk: the emulator, and anything it " +
      'is tricked into running, then holds those rights.',
  },
  F: {
    letter: 'F',
    name: 'fix-binary',
    meaning:
      'The kernel opens the interpreter when the entry is registered and reuses that file, so ' +
      'it also works inside containers and other mount namespaces that do not have it.',
  },
};

/** The flags' meanings in the kernel's order; letters it does not know are left out. */
export function decodeFlags(flags: string): FlagInfo[] {
  return inKernelOrder(flags).map((l) => FLAG_INFO[l]);
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * The ELF identity a magic/mask pair selects, or null when it selects none: it must sit at
 * offset 0 and pin the ELF magic, one class, one byte order and the low byte of e_machine.
 * qemu's own masks are looser than "every bit": the x86 ones leave EI_DATA's low bit open
 * (admitting only the invalid 0 besides), the ppc64le one e_machine's high byte. eFlags is
 * the masked e_flags when the magic reaches into it (mips tells o32 from n32 there).
 */
export function identFromMagic(
  magic: Buffer,
  mask: Buffer | null,
  offset: number,
): { ident: ElfIdent; eFlags?: number } | null {
  const masked = (i: number) => (magic[i] ?? 0) & (mask?.[i] ?? 0xff);
  const admits = (i: number, value: number) => (value & (mask?.[i] ?? 0xff)) === masked(i);
  const pinned = (i: number) => (mask?.[i] ?? 0xff) === 0xff;
  const only = (i: number) => {
    const values = [1, 2].filter((v) => admits(i, v));
    return values.length === 1 ? values[0] : undefined;
  };
  if (offset !== 0 || magic.length < 20 || ![0, 1, 2, 3].every(pinned)) return null;
  if (!magic.subarray(0, 4).equals(ELF_MAGIC)) return null;
  const elfClass = only(4);
  const data = only(5);
  if (elfClass === undefined || data === undefined) return null;
  const little = data === 1;
  if (!pinned(little ? 18 : 19)) return null;
  const machine = little ? masked(18) + masked(19) * 256 : masked(18) * 256 + masked(19);
  const ident: ElfIdent = {
    class: elfClass === 1 ? 32 : 64,
    byteOrder: little ? 'little' : 'big',
    machine,
    machineName: machineName(machine),
  };

  const flagsAt = elfClass === 1 ? 36 : 48;
  if (magic.length <= flagsAt) return { ident };
  let eFlags = 0;
  for (let i = 0; i < 4; i++) {
    eFlags += masked(flagsAt + i) * 2 ** (8 * (little ? i : 3 - i));
  }
  return { ident, eFlags };
}

/**
 * Whether the kernel would hand this binary to the entry, as fs/binfmt_misc.c does it: an
 * extension entry compares the text after the last '.' of the file name (the whole path, as
 * given to exec); a magic entry compares (header[offset + i] & mask[i]) with
 * (magic[i] & mask[i]). `header` is the start of the file; one too short to hold the magic
 * does not match. Whether the entry is enabled is the caller's business.
 */
export function matchesBinary(
  entry: Pick<ParsedEntry, 'type' | 'offset' | 'magic' | 'mask' | 'extension'>,
  header: Buffer,
  fileName?: string,
): boolean {
  if (entry.type === 'extension') {
    if (fileName === undefined || entry.extension === null) return false;
    const dot = fileName.lastIndexOf('.');
    return dot !== -1 && fileName.slice(dot + 1) === entry.extension;
  }
  const { magic, mask, offset } = entry;
  const end = offset + (magic?.length ?? 0);
  if (magic === null || end > BINPRM_BUF_SIZE || end > header.length) return false;
  return magic.every((byte, i) => (((header[offset + i] ?? 0) ^ byte) & (mask?.[i] ?? 0xff)) === 0);
}
