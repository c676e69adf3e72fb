/**
 * The output of a container archdeck launches, read from before it starts.
 *
 * Why: a just-launched container's first line should show the moment it is written. Read from
 * podman's log it comes later: its API follow polls the file every 250 ms (and the logs route
 * holds those lines 300 ms more, engine/container-logs.ts); even the log file, followed
 * directly, needs an inspect first, and podman holds the container's lock while it starts and
 * cleans up, which delays that by 100-200 ms. Attaching before the start, as `podman run` does,
 * gets every line as it is written. The lines are kept for the launch only: while the
 * container runs, for at most WINDOW_MS and MAX_BYTES (the oldest are dropped past that), and
 * LINGER_MS after it exits. The logs route serves a follow from here while it can and goes on
 * from the same line with the log file (or podman's follow) when the window closes or its
 * reader falls behind.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Readable } from 'node:stream';
import type { LogLine } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import { lineCost } from '../lib/line-cost.js';

/** How long a launch's output is read: the first minute is what a launch shows. */
const WINDOW_MS = 60_000;
/** How long the output of a container that exited is kept after that. */
const LINGER_MS = 30_000;
/** What a launch keeps at most; readers further behind go on with the log file or podman's. */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * `open` while lines may still come; `ended` the container's output ended (it stopped), so the
 * lines are all of its log; `cut` the window closed or the stream failed while it may still run.
 */
export type LaunchState = 'open' | 'ended' | 'cut';

export class LaunchOutput {
  state: LaunchState = 'open';
  /** Where `lines[0]` is in the log: how many lines were dropped from the front. */
  private base = 0;
  private lines: LogLine[] = [];
  private bytes = 0;
  private wake: Array<() => void> = [];

  constructor(private readonly maxBytes: number) {}

  /** How many lines the container has written so far. */
  get total(): number {
    return this.base + this.lines.length;
  }

  /** Whether the last `tail` lines are all still kept. */
  holdsTail(tail: number): boolean {
    return this.total - tail >= this.base || this.base === 0;
  }

  /** Up to `max` lines from `position` on; null when some of them were dropped already. */
  read(position: number, max: number): LogLine[] | null {
    if (position < this.base) return null;
    const from = position - this.base;
    return this.lines.slice(from, from + max);
  }

  /** Resolves on the next lines or state change, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    if (this.state !== 'open' || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.wake.push(done);
    });
  }

  push(lines: LogLine[]): void {
    if (lines.length === 0) return;
    for (const line of lines) {
      this.lines.push(line);
      this.bytes += lineCost(line);
    }
    let drop = 0;
    while (this.bytes > this.maxBytes && drop < this.lines.length) {
      this.bytes -= lineCost(this.lines[drop++]!);
    }
    if (drop > 0) {
      this.lines = this.lines.slice(drop);
      this.base += drop;
    }
    this.notify();
  }

  finish(state: Exclude<LaunchState, 'open'>): void {
    if (this.state !== 'open') return;
    this.state = state;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }
}

/** The launches whose output is being read, by full container id. */
export class LaunchOutputs {
  private readonly open = new Map<string, { output: LaunchOutput; stream: Readable }>();

  constructor(
    private readonly engine: Engine,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Attaches to a created container; call before starting it. Never fails: without the attach
   * (podman refused it) the logs route reads podman's log as for any container.
   */
  async attach(id: string, tty: boolean): Promise<void> {
    let stream: Readable;
    try {
      stream = await this.engine.attachOutput(id, tty);
    } catch (err) {
      this.log.warn({ err, id }, 'could not attach to a container before its start');
      return;
    }
    const output = new LaunchOutput(MAX_BYTES);
    const window = setTimeout(() => stop('cut'), WINDOW_MS);
    const forget = () => {
      if (this.open.get(id)?.output === output) this.open.delete(id);
    };
    const stop = (state: Exclude<LaunchState, 'open'>) => {
      clearTimeout(window);
      if (output.state !== 'open') return;
      // A finished launch is the whole log: kept a while for the page that opens just after.
      if (state === 'ended') setTimeout(forget, LINGER_MS).unref();
      else forget();
      stream.destroy();
      output.finish(state);
    };
    stream.on('data', (lines: LogLine[]) => output.push(lines));
    stream.once('end', () => stop('ended'));
    // An error is podman's framing broken, or the attach cut: its log is the one to trust then.
    stream.once('error', () => stop('cut'));
    stream.once('close', () => stop('cut'));
    this.open.set(id, { output, stream });
  }

  /** The launch's output while it is being read, and for LINGER_MS after it ended. */
  get(id: string): LaunchOutput | undefined {
    return this.open.get(id)?.output;
  }

  /** Stops reading a launch (it did not start after all, or the daemon is stopping). */
  detach(id: string): void {
    this.open.get(id)?.stream.destroy();
  }

  close(): void {
    for (const id of [...this.open.keys()]) this.detach(id);
  }
}
