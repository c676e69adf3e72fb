/**
 * Reading a container's log history into lines: from podman's k8s-file when it keeps one,
 * else through its API, counted by the daemon (never by podman's `tail`, see
 * engine/container-logs.ts). The logs route streams it; the diagnosis reads its last lines.
 */
import type { Readable } from 'node:stream';
import type { LogLine } from '@archdeck/shared';
import { openLogFile, openLogs } from '../engine/container-logs.js';
import { K8sFileParser, LogDemuxer } from '../engine/log-frames.js';

/** The most a tail keeps in memory; a longer tail is read in two passes instead. */
const RING_BYTES = 16 * 1024 * 1024;

/** What a kept line costs in memory, roughly: its text and the object around it. */
export const lineCost = (line: LogLine) => line.t.length + 64;

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

export type LogParser = Pick<LogDemuxer, 'push' | 'end'>;
export const demuxer = (r: LogSource) => new LogDemuxer({ tty: r.tty, timestamps: r.timestamps });
export const openApiLogs = (r: LogSource, follow: boolean) =>
  openLogs(r.docker, r.id, { follow, since: r.since, timestamps: r.timestamps, signal: r.signal });

/**
 * The log as it is now, to be parsed: the k8s-file itself when podman keeps one and nothing
 * asks for what only its API adds (timestamps as it writes them, `since`), else the API's.
 */
async function openHistory(r: LogSource): Promise<{ stream: Readable; parser: LogParser }> {
  if (r.logFile && !r.timestamps && r.since === undefined) {
    const stream = await openLogFile(r.logFile, r.signal);
    if (stream) return { stream, parser: new K8sFileParser() };
  }
  return { stream: await openApiLogs(r, false), parser: demuxer(r) };
}

/**
 * The log as it is now, without follow. With `flush` its unterminated last lines count as
 * lines; without, they are left for a follow to complete.
 */
export async function readHistory(r: LogSource, sink: LineSink, flush: boolean): Promise<void> {
  const { stream, parser: demux } = await openHistory(r);
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
