/**
 * Reading a container's log history into lines: from podman's k8s-file when it keeps one,
 * else through its API, counted by the daemon (never by podman's `tail`, see
 * engine/container-logs.ts). The logs route streams it; the diagnosis reads its last lines.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { LogLine } from '@archdeck/shared';
import { openLogs } from './podman-logs.js';
import { K8sFileParser, LogDemuxer } from './frames.js';
import { lineCost } from '../../lib/line-cost.js';

/** The most a tail keeps in memory; a longer tail is read in two passes instead. */
const RING_BYTES = 16 * 1024 * 1024;

export interface LineSink {
  /** How many lines it was given, sent or not: a position in the log. */
  readonly given: number;
  put(line: LogLine): void;
  ready(): Promise<void>;
}

/**
 * Keeps the last `size` lines it is given, so a tail takes one read of the history. Past
 * RING_BYTES it drops lines early and is no longer `exact`: the tail is then read a second time.
 */
export class TailRing implements LineSink {
  given = 0;
  exact = true;
  private lines: LogLine[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly size: number) {}

  put(line: LogLine): void {
    this.given++;
    if (this.size === 0) return;
    this.lines.push(line);
    this.bytes += lineCost(line);
    while (this.lines.length - this.head > this.size) this.drop();
    while (this.bytes > RING_BYTES) {
      this.drop();
      this.exact = false;
    }
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  /** Hands over the lines it kept, and keeps none. */
  take(): LogLine[] {
    const kept = this.lines.slice(this.head);
    this.lines = [];
    this.head = 0;
    this.bytes = 0;
    return kept;
  }

  private drop(): void {
    this.bytes -= lineCost(this.lines[this.head++]!);
  }
}

/** A container's log, and what to read of it. */
export interface LogSource {
  docker: Parameters<typeof openLogs>[0];
  id: string;
  tty: boolean;
  autoRemove: boolean;
  logFile: string | null;
  since: number | undefined;
  timestamps: boolean;
  signal: AbortSignal;
}

export const demuxer = (r: LogSource) => new LogDemuxer({ tty: r.tty, timestamps: r.timestamps });
export const openApiLogs = (r: LogSource, follow: boolean) =>
  openLogs(r.docker, r.id, { follow, since: r.since, timestamps: r.timestamps, signal: r.signal });

/** Bytes read from a log file at a time. */
const CHUNK = 1024 * 1024;
/** A followed file is read when inotify says it changed, and at least this often. */
const POLL_MS = 250;
/** After the exit, the file is read to its end, and once more after this pause. */
const SETTLE_MS = 50;
/** A follow quiet this long asks whether the container still runs. */
const LIVENESS_MS = 2000;

/**
 * podman's k8s-file log, read from disk. podman's compat API serves a log about 2.6 times
 * slower than its CLI reads this file, and its follow polls it every 250 ms and loses lines
 * after the exit (engine/container-logs.ts); read directly, neither happens. The entries are
 * parsed by K8sFileParser (log-frames.ts) into the same lines the API's frames give.
 */
export class LogFile {
  private parser = new K8sFileParser();
  /** How far the file has been read. */
  private offset = 0;
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  private constructor(
    readonly path: string,
    private handle: FileHandle,
  ) {}

  /** null when the file cannot be opened (gone, or not ours to read): ask podman then. */
  static async open(path: string): Promise<LogFile | null> {
    return open(path, 'r').then(
      (handle) => new LogFile(path, handle),
      () => null,
    );
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /** Parses the file from where it was up to byte `until`, pausing while the sink is busy. */
  async readTo(until: number, sink: LineSink, signal: AbortSignal): Promise<void> {
    const lines: LogLine[] = [];
    while (this.offset < until) {
      signal.throwIfAborted();
      const want = Math.min(CHUNK, until - this.offset);
      const { bytesRead } = await this.handle.read(this.buf, 0, want, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      try {
        // The parser copies what it keeps, so the buffer can be reused.
        this.parser.push(this.buf.subarray(0, bytesRead), lines);
      } finally {
        for (const line of lines) sink.put(line);
        lines.length = 0;
      }
      await sink.ready();
    }
  }

  /** The file is over: its unterminated last lines are lines too. */
  end(sink: LineSink): void {
    const lines: LogLine[] = [];
    this.parser.end(lines);
    for (const line of lines) sink.put(line);
  }

  /** Back to the start, as if just opened. */
  rewind(): void {
    this.offset = 0;
    this.parser = new K8sFileParser();
  }

  /**
   * Reads on as the file grows until the container has stopped and the file is read to its
   * end. Woken by inotify on the file, with a poll as a backstop. The stop is known from
   * `exited` (podman's die event) or, should that never come (its event stream was down at
   * the moment), from `running()` asked after LIVENESS_MS without growth.
   */
  async follow(
    sink: LineSink,
    stopped: { exited: Promise<void>; running: () => Promise<boolean> },
    signal: AbortSignal,
  ): Promise<void> {
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let dead = false;
    void stopped.exited.then(() => {
      dead = true;
      poke();
    });
    let watcher = this.watch(poke);
    signal.addEventListener('abort', poke, { once: true });
    try {
      let settled = false;
      let quietSince = Date.now();
      for (;;) {
        signal.throwIfAborted();
        const size = await this.size();
        if (size > this.offset) {
          await this.readTo(size, sink, signal);
          settled = false;
          quietSince = Date.now();
          continue;
        }
        // conmon rotates a log past its max size by renaming a new file over it: once the old
        // one is read to its end, the new one is read from its start.
        if (await this.reopenIfReplaced()) {
          watcher?.close();
          watcher = this.watch(poke);
          continue;
        }
        if (dead && settled) return;
        settled = dead;
        if (!dead && Date.now() - quietSince >= LIVENESS_MS) {
          quietSince = Date.now();
          dead = !(await stopped.running());
          if (dead) continue;
        }
        // After the exit only the pause counts: a late inotify event must not cut it short.
        if (dead) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        else {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(poke, POLL_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    } finally {
      watcher?.close();
      signal.removeEventListener('abort', poke);
    }
  }

  private watch(onChange: () => void): FSWatcher | null {
    try {
      const watcher = watch(this.path, { persistent: false }, onChange);
      watcher.on('error', () => undefined);
      return watcher;
    } catch {
      // Removed already (autoRemove): what the open handle still reads is all there is.
      return null;
    }
  }

  /** Whether the path now names another file (rotated); if so, that one is opened instead. */
  private async reopenIfReplaced(): Promise<boolean> {
    const [now, ours] = await Promise.all([stat(this.path).catch(() => null), this.handle.stat()]);
    if (!now || now.ino === ours.ino) return false;
    const handle = await open(this.path, 'r').catch(() => null);
    if (!handle) return false;
    await this.handle.close();
    this.handle = handle;
    this.rewind();
    return true;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * The log file to read for this source, or null when podman's API must be asked: it has no
 * file (journald, none), or the reader wants what only the API adds (its timestamps, `since`).
 */
export function openLogFile(r: LogSource): Promise<LogFile | null> {
  return r.logFile && !r.timestamps && r.since === undefined
    ? LogFile.open(r.logFile)
    : Promise.resolve(null);
}

/**
 * The log as podman's API gives it now, without follow. With `flush` its unterminated last
 * lines count as lines; without, they are left for a follow to complete.
 */
export async function readApiHistory(r: LogSource, sink: LineSink, flush: boolean): Promise<void> {
  const stream = await openApiLogs(r, false);
  const demux = demuxer(r);
  const lines: LogLine[] = [];
  const deliver = () => {
    for (const line of lines) sink.put(line);
    lines.length = 0;
  };
  try {
    for await (const chunk of stream) {
      try {
        demux.push(chunk as Buffer, lines);
      } finally {
        deliver();
      }
      await sink.ready();
    }
    if (flush) {
      demux.end(lines);
      deliver();
    }
  } finally {
    stream.destroy();
  }
}

/**
 * The log as it is now, into `sink`: the file from its start up to `until` (its size by
 * default) when there is one, else podman's API. With `flush` its unterminated last lines
 * count as lines; without, they are left for a follow to complete.
 */
export async function readLog(
  r: LogSource,
  file: LogFile | null,
  sink: LineSink,
  flush: boolean,
  until?: number,
): Promise<void> {
  if (!file) return readApiHistory(r, sink, flush);
  file.rewind();
  await file.readTo(until ?? (await file.size()), sink, r.signal);
  if (flush) file.end(sink);
}

/** The whole log as it is now, from the file when there is one. */
export async function readHistory(r: LogSource, sink: LineSink): Promise<void> {
  const file = await openLogFile(r);
  try {
    await readLog(r, file, sink, true);
  } finally {
    await file?.close();
  }
}
