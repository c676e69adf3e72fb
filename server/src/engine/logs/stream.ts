/**
 * A container's log as lines, from the best source there is, into an output that can hold the
 * reader back (backpressure, never dropped lines):
 * - podman's k8s-file log, read from disk (sources.ts LogFile): history and follow in one pass,
 *   woken by inotify, read to its end after the exit;
 * - podman's API, when there is no file (journald, none) or the reader wants podman's
 *   timestamps or `since`. Its follow starts from the top of the log and skips the lines
 *   already counted; it loses lines after the container exits, so followed lines are held for
 *   HOLD_MS; when the container dies, the ones received too late to be trusted are dropped and
 *   the rest of the log is read from the history, skipping what was already sent.
 *
 * Lines are counted by the daemon, never by podman (its tail mixes streams, see
 * podman-logs.ts): the history is read keeping its last `tail` lines, or, when they would take
 * more than the ring's cap, read again skipping all but those (sendTail). A reader that got the
 * first lines elsewhere (a launch's output, containers/launch-output.ts) asks for every line
 * `after` those instead.
 */
import type Docker from 'dockerode';
import type { LogEnd, LogLine } from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import type { LogOutput, LogsTarget } from '../types.js';
import { lineCost } from '../../lib/line-cost.js';
import { LogFrameError } from './frames.js';
import { FOLLOW_TRUSTED_MS, inspectForLogs, waitExit } from './podman-logs.js';
import {
  TailRing,
  demuxer,
  openApiLogs,
  openLogFile,
  readApiHistory,
  readLog,
  type LineSink,
  type LogFile,
  type LogSource,
} from './sources.js';

export interface StreamLogsOptions {
  follow: boolean;
  /** The last `tail` lines of the history (ignored when `after` is set). */
  tail: number;
  /** Every line after the first `after`: the reader has those already. */
  after?: number;
  since?: number;
  timestamps: boolean;
  /** Resolves when podman says the container died (events.ts exitWatch). */
  exited: Promise<void>;
  /** The container's inspect, when the caller has it already: one inspect per stream. */
  known: LogsTarget | null;
  signal: AbortSignal;
  /** Resolves true when podman answers again (at once if it does now); false if it did not. */
  podmanBack: () => Promise<boolean>;
}

/**
 * How long a followed line waits before it is sent. The container's `die` event reaches us
 * 20-250 ms after it exits (podman polls its event file), and lines read until 250 ms after the
 * exit are trustworthy: holding them this long means we know of the exit before sending any
 * line that came too late, with room for a slow event.
 */
const HOLD_MS = 300;
/** Past this many held bytes, podman is not read until the hold releases some. */
const HOLD_BYTES = 8 * 1024 * 1024;
/** A kept tail is handed over this many lines at a time, the output's backpressure between. */
const READY_EVERY = 1000;
/** Hands lines to the batcher, after the first `skip`. */
class Sink implements LineSink {
  given = 0;

  constructor(
    private readonly batcher: LogOutput | null,
    private readonly skip: number,
  ) {}

  put(line: LogLine): void {
    if (this.given++ >= this.skip) this.batcher?.add(line);
  }

  get busy(): boolean {
    return this.batcher?.busy ?? false;
  }

  ready(): Promise<void> {
    return this.batcher?.ready() ?? Promise.resolve();
  }
}

interface Followed {
  state: 'running' | 'exited' | 'gone';
  /** Lines received too late to trust, dropped in favour of the history. */
  untrusted: LogLine[];
}

/** The container was removed, e.g. on exit (autoRemove), and its log with it. */
const isGone = (err: unknown) => err instanceof AppError && err.statusCode === 404;

/**
 * Follows the log until the container exits (`exited`), podman ends the follow, or the client
 * leaves. Lines are held for HOLD_MS before they reach the sink. Once the container is known
 * to have exited, nothing more is released on time: the follow is read on until
 * FOLLOW_TRUSTED_MS after the exit, the lines received by then are given to the sink and the
 * later ones are returned as `untrusted`. The lines given are a faithful prefix of the log,
 * `sink.given` long. A container removed on exit may leave no history to complete the follow
 * from: its follow is read to the end, and if it is gone already, all of it given.
 */
async function follow(r: LogSource, sink: Sink, exited: Promise<void>): Promise<Followed> {
  const stream = await openApiLogs(r, true);
  const demux = demuxer(r);
  const lines: LogLine[] = [];
  const held: Array<{ line: LogLine; at: number }> = [];
  let head = 0;
  let heldBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let deadline: NodeJS.Timeout | null = null;
  let roomFor: (() => void) | null = null;
  let state: Followed['state'] = 'exited';
  /** null while the container runs; then the last receive time that is trusted. */
  let trustedUntil: number | null = null;
  let ending: Promise<void> | null = null;

  /** Gives the sink the held lines received up to `until`; a timed release stops when busy. */
  const release = (until: number, timed = false) => {
    while (head < held.length && held[head]!.at <= until && !(timed && sink.busy)) {
      const { line } = held[head++]!;
      heldBytes -= lineCost(line);
      sink.put(line);
    }
    if (head > 1024 && head * 2 > held.length) {
      held.splice(0, head);
      head = 0;
    }
    if (heldBytes < HOLD_BYTES) roomFor?.();
  };
  const tick = () => {
    timer = null;
    if (ending) return;
    // A full socket holds the lines back too; the hold's cap then stops reading podman.
    if (sink.busy) {
      void sink.ready().then(() => {
        if (!ending) timer ??= setTimeout(tick, 0);
      });
      return;
    }
    release(Date.now() - HOLD_MS, true);
    schedule();
  };
  const schedule = () => {
    if (timer || ending || head >= held.length) return;
    timer = setTimeout(tick, Math.max(0, held[head]!.at + HOLD_MS - Date.now()));
  };
  const cut = () => {
    stream.destroy();
    roomFor?.();
  };
  /** The container stopped (or podman ended the follow): how far can the follow be trusted? */
  const end = async () => {
    roomFor?.();
    const now = await inspectForLogs(r.docker, r.id, r.signal).catch((err: unknown) => {
      if (isGone(err)) return null;
      cut();
      throw err;
    });
    if (!now) {
      state = 'gone';
      trustedUntil = Infinity;
      release(Infinity);
      return;
    }
    state = now.running ? 'running' : 'exited';
    trustedUntil = now.finishedAt === null ? -Infinity : now.finishedAt + FOLLOW_TRUSTED_MS;
    // The history will complete what comes later; unless podman removes it with the container,
    // then the follow is read to its end, in case that is all there will be.
    if (!r.autoRemove) deadline = setTimeout(cut, Math.max(0, trustedUntil - Date.now()));
  };
  void exited.then(() => {
    ending ??= end();
    ending.catch(() => undefined);
  });
  r.signal.addEventListener('abort', cut, { once: true });
  try {
    for await (const chunk of stream) {
      const at = Date.now();
      try {
        demux.push(chunk as Buffer, lines);
      } finally {
        for (const line of lines) {
          held.push({ line, at });
          heldBytes += lineCost(line);
        }
        lines.length = 0;
        if (trustedUntil === Infinity) release(Infinity);
        schedule();
      }
      if (heldBytes >= HOLD_BYTES && !ending) await new Promise<void>((r) => (roomFor = r));
      roomFor = null;
      await sink.ready();
    }
  } catch (err) {
    if (!ending) throw err;
  } finally {
    r.signal.removeEventListener('abort', cut);
    stream.destroy();
    if (timer) clearTimeout(timer);
  }
  r.signal.throwIfAborted();
  ending ??= end();
  await ending;
  if (deadline) clearTimeout(deadline);
  release(trustedUntil ?? -Infinity);
  return { state, untrusted: held.slice(head).map((h) => h.line) };
}

/** How the stream ends: the exit code once the container stopped. */
async function endOf(r: LogContext, gone: boolean): Promise<LogEnd> {
  const now = gone
    ? null
    : await askPodman(r, () => inspectForLogs(r.docker, r.id, r.signal)).catch((err: unknown) => {
        if (isGone(err)) return null;
        throw err;
      });
  if (!now) return { exitCode: null, running: false };
  if (now.running) return { exitCode: null, running: true };
  const exitCode = await waitExit(r.docker, r.id, r.signal).catch(() => now.exitCode);
  return { exitCode, running: false };
}

/**
 * The last `tail` lines of what `read` gives, into the batcher: kept in a ring on one read, or
 * when they would take too much memory, read again skipping all but those. Returns how many
 * lines there were: the position a follow goes on from.
 */
async function sendTail(
  read: (sink: LineSink) => Promise<void>,
  tail: number,
  batcher: LogOutput,
): Promise<number> {
  const ring = new TailRing(tail);
  await read(ring);
  if (!ring.exact) {
    const sink = new Sink(batcher, Math.max(0, ring.given - tail));
    await read(sink);
    return sink.given;
  }
  const kept = ring.take();
  for (let i = 0; i < kept.length; i++) {
    batcher.add(kept[i]!);
    if (i % READY_EVERY === READY_EVERY - 1) await batcher.ready();
  }
  return ring.given;
}

/** Which container's log, read how, until when: what is known before podman is asked. */
type LogContext = Pick<LogSource, 'docker' | 'id' | 'since' | 'timestamps' | 'signal'> & {
  /** Resolves true when podman answers again (at once if it does now); false if it did not. */
  podmanBack: () => Promise<boolean>;
};

const podmanGone = (err: unknown) => err instanceof AppError && err.code === 'podman_unavailable';

/**
 * `ask`, asked again once podman is back if it went away meanwhile: the file a follow reads
 * is written by conmon, which outlives podman, so the stream needs podman only for facts
 * (where the log is, whether the container still runs) and can wait for them.
 */
async function askPodman<T>(r: LogContext, ask: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await ask();
    } catch (err) {
      if (!podmanGone(err) || !(await r.podmanBack())) throw err;
    }
  }
}

export async function streamLogs(
  docker: Docker,
  id: string,
  opts: StreamLogsOptions,
  batcher: LogOutput,
): Promise<LogEnd> {
  const context: LogContext = {
    docker,
    id,
    since: opts.since,
    timestamps: opts.timestamps,
    signal: opts.signal,
    podmanBack: opts.podmanBack,
  };
  const known = opts.known;
  let file: LogFile | null = null;
  try {
    /** How many lines of the log have been dealt with; a follow goes on after them. */
    let position = opts.after ?? 0;
    /** Whether `file` has been read up to `position` already. */
    let fileAtPosition = false;
    const fromLaunch = opts.after !== undefined;
    const target =
      known ??
      (await askPodman(context, () => inspectForLogs(context.docker, context.id, context.signal)));
    const r: LogSource & LogContext = {
      ...context,
      tty: target.tty,
      autoRemove: target.autoRemove,
      logFile: target.logFile,
    };
    // Not a follow when asked for one of a stopped container: podman's would lose lines.
    const following = opts.follow && target.running;
    file = await openLogFile(r);
    if (fromLaunch && !following) {
      // Usually nothing is left, but the container may have run again since the launch.
      await readLog(r, file, new Sink(batcher, position), true).catch((err: unknown) => {
        // podman cannot read a log it does not keep (log driver none): the launch is all.
        if (file || !(err instanceof AppError)) throw err;
      });
      batcher.flush();
      return await endOf(r, false);
    }
    if (!fromLaunch) {
      const size = file ? await file.size() : undefined;
      position = await sendTail(
        (sink) => readLog(r, file, sink, !following, size),
        opts.tail,
        batcher,
      );
      fileAtPosition = file !== null;
      if (!following) {
        batcher.flush();
        return { exitCode: target.exitCode, running: target.running };
      }
    }
    if (file) {
      // Read on from the top of the file, past the lines dealt with, unless it is there already.
      // Only a container podman says is stopped (or gone) ends the follow: while podman itself
      // is away, conmon still writes the file, so the follow goes on.
      const running = async () => {
        try {
          return (await inspectForLogs(r.docker, r.id, r.signal)).running;
        } catch (err) {
          return !isGone(err);
        }
      };
      await file.follow(
        new Sink(batcher, fileAtPosition ? 0 : position),
        { exited: opts.exited, running },
        r.signal,
      );
      file.end(new Sink(batcher, 0));
      batcher.flush();
      return await endOf(r, false);
    }
    const followed = new Sink(batcher, position);
    const result = await follow(r, followed, opts.exited);
    if (result.state !== 'gone') {
      try {
        // The rest of the log, from the line after the last one the follow could vouch for.
        await readApiHistory(r, new Sink(batcher, Math.max(position, followed.given)), true);
      } catch (err) {
        if (!isGone(err)) throw err;
        // Removed just after the exit: what the follow got is all there is.
        for (const line of result.untrusted) batcher.add(line);
        result.state = 'gone';
      }
    }
    batcher.flush();
    return await endOf(r, result.state === 'gone');
  } catch (err) {
    if (err instanceof LogFrameError) {
      throw new AppError(
        502,
        'log_stream_corrupt',
        `Podman's log stream is corrupt: ${err.message}`,
        undefined,
        err,
      );
    }
    throw err;
  } finally {
    await file?.close();
  }
}
