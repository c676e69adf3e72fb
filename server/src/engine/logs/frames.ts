/**
 * Container log bytes to lines, pure and I/O-free. Without a TTY podman sends Docker's
 * multiplexed format: frames of an 8-byte header (byte 0 the stream: 0 stdin, 1 stdout,
 * 2 stderr; bytes 1-3 zero; bytes 4-7 the payload length, big-endian) and a payload. With a
 * TTY there is no framing and everything is stdout. Chunks may split a header, a payload, a
 * line or a multi-byte character anywhere; memory stays bounded whatever the peer sends.
 *
 * One frame is one entry of podman's log file, not one line: a write without a newline, and
 * every 8 KiB of a long line, is its own entry ("P" in conmon's k8s-file), so a line may span
 * several frames and a character may be split between them. Lines are therefore assembled
 * per stream, and only whole lines are decoded.
 */
import type { LogLine } from '@archdeck/shared';

type Stream = LogLine['s'];

/** Far above what podman sends (8 KiB of log plus a timestamp per frame). */
export const MAX_FRAME = 1024 * 1024;
/** A longer line is cut into pieces of at most this many bytes; nothing is dropped. */
export const MAX_LINE = 64 * 1024;
/** podman's timestamp prefix is at most 36 bytes; past this, stop dropping bytes. */
const MAX_STAMP = 64;

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/**
 * The bytes are not Docker log framing, or have lost their frame boundaries. There is no
 * resync: the format has no marker to find the next header by, and guessing would attribute
 * bytes to the wrong stream or invent lines. The lines before the bad header are kept.
 */
export class LogFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFrameError';
  }
}

class PendingLine {
  /** Owned copy: keeping slices would pin every socket chunk a long line passed through. */
  buf: Buffer | null = null;
  len = 0;
  /** Order in which pending lines began, so end() flushes them as they were written. */
  since = 0;
  /** Bytes of a continuation entry's timestamp dropped so far, or -1 when not dropping. */
  stamp = -1;
}

export interface SplitOptions {
  maxLine?: number;
  /**
   * podman was asked for timestamps. HACK: it prefixes every log entry, not every line, with
   * "<RFC 3339> ", so a line written in pieces (or longer than 8 KiB) gets a timestamp in its
   * middle, even between the bytes of one character
   * (https://github.com/containers/podman/issues/2500). The prefix of an entry that continues
   * a line is dropped; the line keeps its first. Only framed streams can be repaired: a TTY
   * stream has no entry boundaries to find the prefixes by.
   */
  timestamps?: boolean;
}

/** Splits stdout and stderr bytes into lines, each stream on its own. */
export class LineSplitter {
  private readonly maxLine: number;
  private readonly timestamps: boolean;
  private readonly pending: Record<Stream, PendingLine> = {
    out: new PendingLine(),
    err: new PendingLine(),
  };
  private started = 0;

  constructor(opts: SplitOptions = {}) {
    this.maxLine = opts.maxLine ?? MAX_LINE;
    this.timestamps = opts.timestamps ?? false;
  }

  /** A podman log entry (a frame) begins on this stream. */
  entryStart(s: Stream): void {
    const p = this.pending[s];
    p.stamp = this.timestamps && p.len > 0 ? 0 : -1;
  }

  /** Appends to `out` the lines these bytes complete. */
  push(s: Stream, bytes: Buffer, out: LogLine[]): void {
    const p = this.pending[s];
    let rest = bytes;
    if (p.stamp >= 0) {
      const space = rest.indexOf(SPACE);
      const dropped = space === -1 ? rest.length : space + 1;
      if (space === -1 && p.stamp + dropped <= MAX_STAMP) {
        p.stamp += dropped;
        return;
      }
      p.stamp = -1;
      if (space !== -1) rest = rest.subarray(dropped);
    }
    while (rest.length > 0) {
      const nl = rest.indexOf(NL);
      const piece = nl === -1 ? rest : rest.subarray(0, nl);
      if (p.len === 0 && nl !== -1 && piece.length <= this.maxLine) {
        out.push({ s, t: decode(piece) });
      } else {
        this.append(s, p, piece, out);
        if (nl !== -1) this.emit(s, p, out);
      }
      if (nl === -1) break;
      rest = rest.subarray(nl + 1);
    }
  }

  /** The stream is over: lines without a final newline are lines too. */
  end(out: LogLine[]): void {
    const open = (['out', 'err'] as const)
      .filter((s) => this.pending[s].len > 0)
      .sort((a, b) => this.pending[a].since - this.pending[b].since);
    for (const s of open) this.emit(s, this.pending[s], out);
  }

  private append(s: Stream, p: PendingLine, piece: Buffer, out: LogLine[]): void {
    let from = 0;
    while (from < piece.length) {
      if (p.len === this.maxLine) this.cut(s, p, out);
      if (p.len === 0) p.since = this.started++;
      p.buf ??= Buffer.allocUnsafe(this.maxLine);
      const n = Math.min(piece.length - from, this.maxLine - p.len);
      piece.copy(p.buf, p.len, from, from + n);
      p.len += n;
      from += n;
    }
  }

  /** Emits a full buffer as a line; a character that is not complete yet moves on whole. */
  private cut(s: Stream, p: PendingLine, out: LogLine[]): void {
    const buf = p.buf!;
    const at = charBoundary(buf, p.len);
    out.push({ s, t: buf.toString('utf8', 0, at) });
    buf.copy(buf, 0, at, p.len);
    p.len -= at;
    if (p.len > 0) p.since = this.started++;
  }

  private emit(s: Stream, p: PendingLine, out: LogLine[]): void {
    out.push({ s, t: decode(p.buf!.subarray(0, p.len)) });
    p.len = 0;
    p.stamp = -1;
  }
}

/** Where the last character of buf[0, len) starts if it is incomplete, else len. */
function charBoundary(buf: Buffer, len: number): number {
  for (let k = len - 1; k >= Math.max(0, len - 4); k--) {
    const b = buf[k]!;
    if ((b & 0xc0) === 0x80) continue;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return k + size > len && k > 0 ? k : len;
  }
  return len;
}

function decode(line: Buffer): string {
  const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
  return line.toString('utf8', 0, end);
}

export interface DemuxOptions extends SplitOptions {
  /** The container has a TTY: raw bytes, all stdout. */
  tty: boolean;
  maxFrame?: number;
}

/** Docker's log stream (framed or raw) to lines. */
export class LogDemuxer {
  private readonly tty: boolean;
  private readonly maxFrame: number;
  private readonly lines: LineSplitter;
  private readonly header = Buffer.alloc(8);
  private headerLen = 0;
  private remaining = 0;
  private stream: Stream = 'out';
  private failed: LogFrameError | null = null;

  constructor(opts: DemuxOptions) {
    this.tty = opts.tty;
    this.maxFrame = opts.maxFrame ?? MAX_FRAME;
    this.lines = new LineSplitter(opts);
  }

  /** True while a header or payload is incomplete: the stream was cut mid-frame. */
  get midFrame(): boolean {
    return this.headerLen > 0 || this.remaining > 0;
  }

  /** Appends the lines this chunk completes to `out`; throws LogFrameError on a bad header. */
  push(chunk: Buffer, out: LogLine[]): void {
    if (this.failed) throw this.failed;
    if (this.tty) {
      this.lines.push('out', chunk, out);
      return;
    }
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining === 0) {
        const n = Math.min(8 - this.headerLen, chunk.length - i);
        chunk.copy(this.header, this.headerLen, i, i + n);
        this.headerLen += n;
        i += n;
        if (this.headerLen < 8) break;
        this.headerLen = 0;
        this.remaining = this.readHeader();
        this.lines.entryStart(this.stream);
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - i);
      this.lines.push(this.stream, chunk.subarray(i, i + n), out);
      this.remaining -= n;
      i += n;
    }
  }

  /** Flushes the lines left without a newline. */
  end(out: LogLine[]): void {
    this.lines.end(out);
  }

  private readHeader(): number {
    const h = this.header;
    const type = h[0]!;
    const length = h.readUInt32BE(4);
    if (type > 2 || h[1] !== 0 || h[2] !== 0 || h[3] !== 0) {
      this.failed = new LogFrameError(
        `not a log frame header: ${h.toString('hex')} (the stream is not multiplexed, or lost sync)`,
      );
    } else if (length > this.maxFrame) {
      this.failed = new LogFrameError(
        `log frame of ${length} bytes is over the ${this.maxFrame}-byte limit`,
      );
    }
    if (this.failed) throw this.failed;
    // 0 is stdin, which only attach sends; Docker's own demultiplexer writes it to stdout too.
    this.stream = type === 2 ? 'err' : 'out';
    return length;
  }
}

/** conmon writes entries of at most 8 KiB of log; past this, the file is not a k8s-file log. */
const MAX_ENTRY = 64 * 1024;

/**
 * podman's k8s-file log as conmon writes it on disk: one entry per line,
 * `<RFC 3339 time> <stdout|stderr> <tag> <bytes>\n`. The tag is `F` when the bytes end a
 * line, `P` when the next entry of that stream continues it (a write without a newline, or
 * each 8 KiB of a long line); more `:`-separated tags may follow. The bytes never hold a newline:
 * conmon ends an entry at each. The same entries podman's API sends as frames, so the lines
 * are assembled exactly as LogDemuxer does. An entry not ended by a newline yet (the file is
 * being written) is left out.
 */
export class K8sFileParser {
  private readonly lines: LineSplitter;
  /** The start of an entry cut by the chunk's end. */
  private carry: Buffer | null = null;
  private failed: LogFrameError | null = null;

  constructor(opts: SplitOptions = {}) {
    this.lines = new LineSplitter(opts);
  }

  /** Appends the lines this chunk completes to `out`; throws LogFrameError on a bad entry. */
  push(chunk: Buffer, out: LogLine[]): void {
    if (this.failed) throw this.failed;
    let bytes = chunk;
    if (this.carry) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.keep(Buffer.concat([this.carry, chunk]));
        return;
      }
      this.entry(Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]), out);
      this.carry = null;
      bytes = chunk.subarray(nl + 1);
    }
    let from = 0;
    for (let nl = bytes.indexOf(NL); nl !== -1; nl = bytes.indexOf(NL, from)) {
      this.entry(bytes.subarray(from, nl + 1), out);
      from = nl + 1;
    }
    if (from < bytes.length) this.keep(Buffer.from(bytes.subarray(from)));
  }

  /** Flushes the lines left without a newline. */
  end(out: LogLine[]): void {
    this.lines.end(out);
  }

  private keep(partial: Buffer): void {
    if (partial.length > MAX_ENTRY) this.fail(`an entry over ${MAX_ENTRY} bytes`);
    this.carry = partial;
  }

  /** One entry, with its newline. */
  private entry(e: Buffer, out: LogLine[]): void {
    const sp1 = e.indexOf(SPACE);
    const sp2 = sp1 === -1 ? -1 : e.indexOf(SPACE, sp1 + 1);
    const name = sp2 === -1 ? '' : e.toString('latin1', sp1 + 1, sp2);
    if (name !== 'stdout' && name !== 'stderr') {
      this.fail(`not a k8s-file entry: ${JSON.stringify(e.toString('latin1', 0, 80))}`);
    }
    const s: Stream = name === 'stdout' ? 'out' : 'err';
    const sp3 = e.indexOf(SPACE, sp2 + 1);
    const partial = e[sp2 + 1] === 0x50; // 'P'
    this.lines.entryStart(s);
    // A partial entry's bytes stop before its newline; a full one's end the line with it.
    const bytesAt = sp3 === -1 ? e.length - 1 : sp3 + 1;
    this.lines.push(s, e.subarray(bytesAt, partial ? e.length - 1 : e.length), out);
  }

  private fail(message: string): never {
    this.failed = new LogFrameError(message);
    throw this.failed;
  }
}
