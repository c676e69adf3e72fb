/**
 * Reads a tar stream's entries as it goes by, without keeping it: the names of its regular
 * files, and the bytes of the few files asked for (a build context's Containerfile). Chunks may
 * split a header, a name or a file anywhere. Understands what tar writers send: ustar's name
 * prefix, GNU long names (`L`) and pax headers (`x`, whose `path` wins); `g` (global pax) is
 * skipped. A malformed header (bad checksum) is an error, not a guess.
 */

const BLOCK = 512;
/** Long names and pax records are small; a header that claims more is not one we trust. */
const MAX_META = 1024 * 1024;

export class TarError extends Error {
  override name = 'TarError';
}

export interface TarScanOptions {
  /** Files whose content to keep, by normalised name (`Containerfile`, `docker/Dockerfile`). */
  keep: readonly string[];
  /** Most bytes kept per file: longer ones are cut there and flagged. */
  maxKeep: number;
  /** Most names listed; past it `names` stops growing and `truncated` says so. */
  maxNames?: number;
}

/** `./a//b/` → `a/b`: how a context's paths are compared. */
export function normaliseTarName(name: string): string {
  return name
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

function field(header: Buffer, offset: number, width: number): string {
  const raw = header.subarray(offset, offset + width);
  const nul = raw.indexOf(0);
  return (nul === -1 ? raw : raw.subarray(0, nul)).toString('utf8');
}

/** A numeric field: octal text, or GNU's base-256 form (high bit set) for large sizes. */
function numeric(header: Buffer, offset: number, width: number): number {
  const raw = header.subarray(offset, offset + width);
  if (raw[0]! & 0x80) {
    let value = raw[0]! & 0x7f;
    for (const byte of raw.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field(header, offset, width).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarError(`not a tar archive (a header field reads "${text}")`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = numeric(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === stored;
}

/** The `path` record of a pax header: `<len> path=<value>\n` records. */
function paxPath(data: Buffer): string | null {
  let at = 0;
  let path: string | null = null;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isSafeInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

type Phase =
  | { kind: 'header' }
  | {
      kind: 'data';
      remaining: number;
      padding: number;
      name: string | null;
      meta: 'L' | 'x' | null;
    }
  | { kind: 'end' };

export class TarScanner {
  /** Regular files, by normalised name, in archive order. */
  readonly names: string[] = [];
  truncated = false;
  /** Content of the kept files that were found; `cut` when longer than maxKeep. */
  readonly kept = new Map<string, { data: Buffer; cut: boolean }>();
  private readonly keep: Set<string>;
  private pending: Buffer = Buffer.alloc(0);
  private phase: Phase = { kind: 'header' };
  private zeroBlocks = 0;
  /** A long name or pax path for the next entry. */
  private nextName: string | null = null;
  private meta: Buffer[] = [];
  private keeping: { name: string; parts: Buffer[]; size: number; cut: boolean } | null = null;

  constructor(private readonly opts: TarScanOptions) {
    this.keep = new Set(opts.keep.map(normaliseTarName));
  }

  /** Whether the end-of-archive blocks have been read. */
  get ended(): boolean {
    return this.phase.kind === 'end';
  }

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (this.phase.kind !== 'end') {
      if (this.phase.kind === 'header') {
        if (buf.length - at < BLOCK) break;
        this.header(buf.subarray(at, at + BLOCK));
        at += BLOCK;
        continue;
      }
      const phase = this.phase;
      if (phase.remaining > 0) {
        const take = Math.min(phase.remaining, buf.length - at);
        if (take === 0) break;
        this.data(phase, buf.subarray(at, at + take));
        phase.remaining -= take;
        at += take;
        if (phase.remaining > 0) break;
        this.entryDone(phase);
      }
      const skip = Math.min(phase.padding, buf.length - at);
      phase.padding -= skip;
      at += skip;
      if (phase.padding > 0) break;
      this.phase = { kind: 'header' };
    }
    buf = buf.subarray(at);
    // Past the end nothing is parsed, and only a partial block is ever held.
    this.pending = this.phase.kind === 'end' ? Buffer.alloc(0) : Buffer.from(buf);
  }

  /**
   * The stream ended: an archive cut inside an entry is an error; one whose end-of-archive
   * blocks are missing is not (GNU tar reads it too).
   */
  end(): void {
    if (this.phase.kind === 'end') return;
    if (this.phase.kind === 'header' && this.pending.length === 0) return;
    throw new TarError('the archive ends in the middle of an entry');
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      // Two zero blocks end an archive; writers sometimes send only one before EOF.
      if (++this.zeroBlocks === 2) this.phase = { kind: 'end' };
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumOk(block)) throw new TarError('not a tar archive (a header checksum is wrong)');
    const size = numeric(block, 124, 12);
    const type = String.fromCharCode(block[156]!);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      if (size > MAX_META)
        throw new TarError(`a ${type === 'L' ? 'long name' : 'pax'} header of ${size} bytes`);
      this.meta = [];
      this.phase = { kind: 'data', remaining: size, padding, name: null, meta: type };
      if (size === 0) this.entryDone(this.phase);
      return;
    }
    const magic = field(block, 257, 6);
    const prefix = magic.startsWith('ustar') ? field(block, 345, 155) : '';
    const own = field(block, 0, 100);
    const name = this.nextName ?? (prefix ? `${prefix}/${own}` : own);
    this.nextName = null;
    const regular = type === '0' || type === '\0' || type === '7';
    const normalised = normaliseTarName(name);
    if (regular && normalised !== '') {
      if (this.names.length < (this.opts.maxNames ?? Infinity)) this.names.push(normalised);
      else this.truncated = true;
      if (this.keep.has(normalised)) {
        this.keeping = { name: normalised, parts: [], size: 0, cut: false };
      }
    }
    // Only regular files carry data that counts; for others the size is what is skipped.
    this.phase = {
      kind: 'data',
      remaining: size,
      padding,
      name: regular ? normalised : null,
      meta: null,
    };
    if (size === 0) this.entryDone(this.phase);
  }

  private data(phase: Extract<Phase, { kind: 'data' }>, bytes: Buffer): void {
    if (phase.meta) {
      this.meta.push(Buffer.from(bytes));
      return;
    }
    const k = this.keeping;
    if (!k) return;
    const room = this.opts.maxKeep - k.size;
    if (room <= 0) {
      k.cut = true;
      return;
    }
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (part.length < bytes.length) k.cut = true;
    k.parts.push(Buffer.from(part));
    k.size += part.length;
  }

  private entryDone(phase: Extract<Phase, { kind: 'data' }>): void {
    if (phase.meta) {
      const data = Buffer.concat(this.meta);
      this.meta = [];
      if (phase.meta === 'L') {
        const nul = data.indexOf(0);
        this.nextName = (nul === -1 ? data : data.subarray(0, nul)).toString('utf8');
      } else {
        this.nextName = paxPath(data) ?? this.nextName;
      }
      return;
    }
    const k = this.keeping;
    if (k) this.kept.set(k.name, { data: Buffer.concat(k.parts), cut: k.cut });
    this.keeping = null;
  }
}
