import type { LogEnd, LogLine } from '@archdeck/shared';
import { stripAnsi } from './ansi';

/**
 * One row of a container's log: a line (its number counts from the first line received), or a
 * marker the daemon sent (the end of the stream). `plain` is the text
 * without escapes: what search looks in and what a download holds.
 */
export type LogEntry =
  | { kind: 'out' | 'err'; n: number; raw: string; plain: string }
  | { kind: 'end'; end: LogEnd; plain: string };

/** What the end of the stream means, as the log view and the download say it. */
function endText(end: LogEnd): string {
  if (end.running) return 'The log stream ended; the container is still running.';
  return end.exitCode === null ? 'Exited' : `Exited with code ${end.exitCode}`;
}

/** First index in ascending `values` whose value is >= `target`. */
export function lowerBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A container's log as the browser holds it: at most `capacity` entries, the oldest dropped
 * first (and counted), so a chatty container cannot exhaust the tab. Lines arrive in batches
 * from the stream and are taken in at most once per animation frame: subscribers (React, via
 * useSyncExternalStore) hear of a whole frame's worth at once, never of each batch.
 *
 * Entries have sequence numbers that survive dropping: `entries[i]` is number `base + i`.
 * Search matches are kept as sequence numbers, updated as lines arrive and leave, so a search
 * over 200,000 lines is done once per query, not once per frame.
 */
export class LogStore {
  readonly capacity: number;
  entries: LogEntry[] = [];
  /** The sequence number of `entries[0]`. */
  base = 0;
  /** Log lines dropped from the front to stay within capacity. */
  dropped = 0;
  /** Log lines received so far. */
  lines = 0;
  /** Sequence numbers of the lines the search pattern matches, ascending. */
  matches: number[] = [];
  private pattern: RegExp | null = null;
  private pending: LogEntry[] = [];
  private frame: number | null = null;
  private version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Changes whenever what a render shows could have: the useSyncExternalStore snapshot. */
  getVersion = () => this.version;

  addLines(lines: readonly LogLine[]): void {
    for (const line of lines) {
      this.lines += 1;
      this.pending.push({
        kind: line.s === 'err' ? 'err' : 'out',
        n: this.lines,
        raw: line.t,
        plain: stripAnsi(line.t),
      });
    }
    this.schedule();
  }

  addEnd(end: LogEnd): void {
    this.pending.push({ kind: 'end', end, plain: endText(end) });
    this.schedule();
  }

  /** The number of rows a view shows: the entries, plus one saying how many were dropped. */
  get rows(): number {
    return this.entries.length + (this.dropped > 0 ? 1 : 0);
  }

  /** Finds `pattern` (or nothing, when null) in every line held, and in lines to come. */
  setPattern(pattern: RegExp | null): void {
    this.pattern = pattern;
    this.matches = [];
    if (pattern) this.scan(0);
    this.bump();
  }

  /** Everything held, as text: escapes removed, markers as their own lines. */
  text(): string {
    const parts: string[] = [];
    if (this.dropped > 0) parts.push(`… ${this.dropped} earlier lines dropped …`);
    for (const entry of this.entries) parts.push(entry.plain);
    return `${parts.join('\n')}\n`;
  }

  /** Forgets every line, for a stream that starts over (its history comes again). */
  clear(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.pending = [];
    this.base += this.entries.length;
    this.entries = [];
    this.dropped = 0;
    this.lines = 0;
    this.matches = [];
    this.bump();
  }

  /** Stops taking in what is pending; for a store being replaced. */
  dispose(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.pending = [];
  }

  private schedule(): void {
    // A hidden tab gets no animation frames: take lines in now rather than pile them up.
    if (this.pending.length >= this.capacity / 4) this.flush();
    else if (this.frame === null) this.frame = requestAnimationFrame(this.flush);
  }

  private flush = () => {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    if (this.pending.length === 0) return;
    const from = this.entries.length;
    for (const entry of this.pending) this.entries.push(entry);
    this.pending = [];
    if (this.pattern) this.scan(from);
    this.trim();
    this.bump();
  };

  /** Drops the oldest entries once well over capacity (in chunks: a splice costs the length). */
  private trim(): void {
    const excess = this.entries.length - this.capacity;
    if (excess <= this.capacity / 20) return;
    const removed = this.entries.splice(0, excess);
    for (const entry of removed)
      if (entry.kind === 'out' || entry.kind === 'err') this.dropped += 1;
    this.base += excess;
    const gone = lowerBound(this.matches, this.base);
    if (gone > 0) this.matches.splice(0, gone);
  }

  private scan(from: number): void {
    const pattern = this.pattern!;
    for (let i = from; i < this.entries.length; i += 1) {
      const entry = this.entries[i]!;
      if (entry.kind !== 'out' && entry.kind !== 'err') continue;
      pattern.lastIndex = 0;
      if (pattern.test(entry.plain)) this.matches.push(this.base + i);
    }
  }

  private bump(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
