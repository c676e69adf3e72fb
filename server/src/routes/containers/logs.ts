/**
 * GET /api/containers/:id/logs as Server-Sent Events:
 * - `lines` {lines: LogLine[]}: a batch, sent every 50 ms or 1000 lines (or 256 KiB);
 * - `end` {exitCode, running}: the container stopped, or (without follow) the history is
 *   complete; the stream closes after it;
 * - `failed` {code, message}: podman failed mid-stream (not `error`, which EventSource uses
 *   for its own connection errors); the stream closes after it.
 * An unknown container is a 404 before the stream opens.
 *
 * A slow client gets backpressure, not dropped lines: while the socket's buffer is full the
 * log is not read (podman's stream, so podman stops too, or the file), and reading resumes on
 * drain. Memory is bounded by one chunk read, one batch and the follow hold (below). Logs are
 * history the user asked for and podman keeps them anyway, so nothing is gained by dropping
 * (no `skipped`).
 *
 * Lines are counted by the daemon, never by podman (its tail mixes streams, see
 * container-logs.ts): the history is read keeping its last `tail` lines, or, when they would
 * take more than the ring's cap, read again skipping all but those (sendTail).
 *
 * Where the log comes from, best first:
 * - a container the daemon launched has its output read from before its start
 *   (containers/launch-output.ts): a follow is served from there, for as long as the launch
 *   lasts, then goes on from the same line as below;
 * - podman's k8s-file log, read from disk (containers/log-history.ts LogFile): history and
 *   follow in one pass, woken by inotify, read to its end after the exit;
 * - podman's API, when there is no file (journald, none) or the client asks for podman's
 *   timestamps or `since`. Its follow starts from the top of the log and skips the lines
 *   already counted; it loses lines after the container exits, so followed lines are held for
 *   HOLD_MS; when the container dies, the ones received too late to be trusted are dropped and
 *   the rest of the log is read from the history, skipping what was already sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import {
  ContainerParams,
  LogsQuery,
  errorResponses,
  type ApiError,
  type LogEnd,
  type LogLine,
} from '@archdeck/shared';
import {
  FOLLOW_TRUSTED_MS,
  inspectForLogs,
  waitExit,
  type LogsTarget,
} from '../../engine/container-logs.js';
import { LogFrameError } from '../../engine/log-frames.js';
import type { LaunchOutput } from '../../containers/launch-output.js';
import {
  TailRing,
  demuxer,
  lineCost,
  openApiLogs,
  openLogFile,
  readApiHistory,
  readLog,
  type LineSink,
  type LogFile,
  type LogSource,
} from '../../containers/log-history.js';
import { AppError } from '../../lib/errors.js';
import type { Engine } from '../../engine/engine.js';
import { openSse, type SseStream } from '../../lib/sse.js';

const DEFAULT_TAIL = 500;
const BATCH_MS = 50;
const BATCH_LINES = 1000;
const BATCH_BYTES = 256 * 1024;
/**
 * How long a followed line waits before it is sent. The container's `die` event reaches us
 * 20-250 ms after it exits (podman polls its event file), and lines read until 250 ms after the
 * exit are trustworthy: holding them this long means we know of the exit before sending any
 * line that came too late, with room for a slow event.
 */
const HOLD_MS = 300;
/** Past this many held bytes, podman is not read until the hold releases some. */
const HOLD_BYTES = 8 * 1024 * 1024;

/** Collects lines into `lines` events and holds the reader back while the socket is full. */
class Batcher {
  private lines: LogLine[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private full = false;
  private sentAt = 0;

  constructor(private readonly sse: SseStream) {}

  add(line: LogLine): void {
    this.lines.push(line);
    this.bytes += lineCost(line);
    if (this.lines.length >= BATCH_LINES || this.bytes >= BATCH_BYTES) this.flush();
    // The first lines after a quiet spell go out at once (with what else comes in this turn
    // of the event loop): a batch only waits when one was sent less than BATCH_MS ago.
    else this.timer ??= setTimeout(() => this.flush(), this.sentAt + BATCH_MS - Date.now());
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.bytes = 0;
    this.sentAt = Date.now();
    if (!this.sse.send('lines', { lines })) this.full = true;
  }

  /** The socket is full: nothing more should be read or released until ready(). */
  get busy(): boolean {
    return this.full;
  }

  /** Resolves when more may be read from podman. */
  async ready(): Promise<void> {
    if (!this.full) return;
    await this.sse.drained();
    this.full = false;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Hands lines to the batcher, after the first `skip`. */
class Sink implements LineSink {
  given = 0;

  constructor(
    private readonly batcher: Batcher | null,
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

/**
 * Serves a follow from a launch's output (see launch-output.ts), from the last `tail` lines on,
 * while the launch lasts: until the container's output ended, the launch's window closed or
 * the reader fell behind what it keeps. Returns the position reached in the log, from which the
 * log file or podman goes on (usually with nothing left, after an exit).
 */
async function readLaunch(
  launch: LaunchOutput,
  tail: number,
  batcher: Batcher,
  signal: AbortSignal,
): Promise<number> {
  let position = Math.max(0, launch.total - tail);
  for (;;) {
    signal.throwIfAborted();
    const lines = launch.read(position, BATCH_LINES);
    if (lines === null) return position;
    for (const line of lines) batcher.add(line);
    position += lines.length;
    await batcher.ready();
    if (lines.length > 0) continue;
    if (launch.state !== 'open') return position;
    await launch.changed(signal);
  }
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
  batcher: Batcher,
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
    if (i % BATCH_LINES === BATCH_LINES - 1) await batcher.ready();
  }
  return ring.given;
}

/** Which container's log, read how, until when: what is known before podman is asked. */
type LogContext = Pick<LogSource, 'docker' | 'id' | 'since' | 'timestamps' | 'signal'> & {
  /** Resolves true when podman answers again (at once if it does now); false if it did not. */
  podmanBack: () => Promise<boolean>;
};

/** How long a stream from the log file waits for podman to come back before it gives up. */
const PODMAN_RETURN_MS = 30_000;

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

async function streamLogs(
  context: LogContext,
  known: LogsTarget | null,
  opts: { follow: boolean; tail: number; exited: Promise<void>; launch: LaunchOutput | null },
  sse: SseStream,
): Promise<LogEnd> {
  const batcher = new Batcher(sse);
  let file: LogFile | null = null;
  try {
    const { launch } = opts;
    /** How many lines of the log have been dealt with; a follow goes on after them. */
    let position = 0;
    /** Whether `file` has been read up to `position` already. */
    let fileAtPosition = false;
    const fromLaunch = launch !== null && launch.holdsTail(opts.tail);
    if (fromLaunch) {
      position = await readLaunch(launch, opts.tail, batcher, context.signal);
      batcher.flush();
    }
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
  } finally {
    batcher.dispose();
    await file?.close();
  }
}

/** What ended a stream early, for the user; podman going away is said as such. */
async function failure(err: unknown, log: FastifyBaseLogger, engine: Engine): Promise<ApiError> {
  if (err instanceof AppError && err.statusCode < 500) return err.toBody();
  if (!(await engine.check())) {
    return {
      code: 'podman_stopped',
      message:
        'podman stopped while this log was streaming. archdeck reconnects by itself; open the log again once podman is back (the Host page shows it).',
    };
  }
  if (err instanceof AppError) return err.toBody();
  if (err instanceof LogFrameError) {
    log.warn({ err: err.message }, 'podman sent a log stream we cannot parse');
    return {
      code: 'log_stream_corrupt',
      message: `Podman's log stream is corrupt: ${err.message}`,
    };
  }
  log.error({ err }, 'log stream failed');
  return { code: 'internal', message: 'Reading the logs failed; the daemon log has the details.' };
}

const containerLogs: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 } = errorResponses;

  app.get(
    '/api/containers/:id/logs',
    {
      schema: {
        params: ContainerParams,
        querystring: LogsQuery,
        response: { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 },
      },
    },
    async (request, reply) => {
      const docker = app.engine.client();
      const { query } = request;
      const follow = query.follow ?? true;
      const timestamps = query.timestamps ?? false;
      // Listening before the inspect, so a container that dies in between is not missed.
      const died = new Set<string>();
      let onDied: ((id: string) => void) | null = null;
      const unsubscribe = app.engineEvents.subscribe((e) => {
        if (e.kind !== 'container' || e.id === null || (e.action !== 'die' && e.action !== 'died'))
          return;
        if (onDied) onDied(e.id);
        else died.add(e.id);
      });
      // Every podman request, file and wait of this stream is cut when the client leaves,
      // from the first await on (the inspect below may wait on podman's container lock).
      const signal = request.closed;
      try {
        // A launch's output (by full id) has neither timestamps nor a `since` to filter by. It
        // is served before podman is asked anything: podman holds a container's lock while it
        // starts and cleans up, and an inspect then waits 100-200 ms.
        const launch =
          follow && !timestamps && query.since === undefined
            ? (app.containers.launches.get(request.params.id) ?? null)
            : null;
        const target = launch ? null : await inspectForLogs(docker, request.params.id, signal);
        const id = target?.id ?? request.params.id;
        const exited = new Promise<void>((resolve) => {
          onDied = (dead) => {
            if (dead === id) resolve();
          };
          if (died.has(id)) resolve();
        });
        const sse = openSse(request, reply);
        const context: LogContext = {
          docker,
          id,
          since: query.since,
          timestamps,
          signal,
          podmanBack: () => app.engine.back(PODMAN_RETURN_MS, signal),
        };
        try {
          const end = await streamLogs(
            context,
            target,
            { follow, tail: query.tail ?? DEFAULT_TAIL, exited, launch },
            sse,
          );
          sse.send('end', end);
        } catch (err) {
          if (!signal.aborted) sse.send('failed', await failure(err, request.log, app.engine));
        } finally {
          sse.close();
        }
      } finally {
        unsubscribe();
      }
    },
  );
};

export default containerLogs;
