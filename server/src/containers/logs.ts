/**
 * A container's log, as one stream: the one entry point the logs route (and anything else)
 * uses. A container the daemon launched is served from its launch's output first, attached
 * before its start (launch-output.ts), for as long as that lasts; then, or otherwise, from
 * the engine's best source (engine/logs/stream.ts), going on from the same line.
 */
import type { LogEnd } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { LogOutput } from '../engine/types.js';
import type { LaunchOutput, LaunchOutputs } from './launch-output.js';

export interface LogStreamOptions {
  follow: boolean;
  tail: number;
  since?: number;
  timestamps: boolean;
}

/** Opened: the container exists (else a 404 was thrown); stream() it once, then close(). */
export interface LogStream {
  stream(out: LogOutput): Promise<LogEnd>;
  close(): void;
}

/** How long a stream from the log file waits for podman to come back before it gives up. */
const PODMAN_RETURN_MS = 30_000;
/** Lines handed over from a launch at a time, the output's backpressure between. */
const LAUNCH_BATCH = 1000;

/**
 * Serves a follow from a launch's output, from the last `tail` lines on, while the launch
 * lasts: until the container's output ended, the launch's window closed or the reader fell
 * behind what it keeps. Returns the position reached in the log, from which the engine goes on
 * (usually with nothing left, after an exit).
 */
async function readLaunch(
  launch: LaunchOutput,
  tail: number,
  out: LogOutput,
  signal: AbortSignal,
): Promise<number> {
  let position = Math.max(0, launch.total - tail);
  for (;;) {
    signal.throwIfAborted();
    const lines = launch.read(position, LAUNCH_BATCH);
    if (lines === null) return position;
    for (const line of lines) out.add(line);
    position += lines.length;
    await out.ready();
    if (lines.length > 0) continue;
    if (launch.state !== 'open') return position;
    await launch.changed(signal);
  }
}

/**
 * Finds the container's log (a 404 for an unknown one, before anything is streamed). Every
 * podman request, file and wait it holds is cut when `signal` aborts.
 */
export async function openLogStream(
  engine: Engine,
  launches: LaunchOutputs,
  id: string,
  opts: LogStreamOptions,
  signal: AbortSignal,
): Promise<LogStream> {
  // Listening before the inspect, so a container that dies in between is not missed.
  const watch = engine.exitWatch();
  try {
    // A launch's output (by full id) has neither timestamps nor a `since` to filter by. It is
    // served before podman is asked anything: podman holds a container's lock while it starts
    // and cleans up, and an inspect then waits 100-200 ms.
    const launch =
      opts.follow && !opts.timestamps && opts.since === undefined
        ? (launches.get(id) ?? null)
        : null;
    const known = launch ? null : await engine.inspectForLogs(id, signal);
    const fullId = known?.id ?? id;
    return {
      async stream(out) {
        let after: number | undefined;
        if (launch?.holdsTail(opts.tail)) {
          after = await readLaunch(launch, opts.tail, out, signal);
          out.flush();
        }
        return engine.streamLogs(
          fullId,
          {
            ...opts,
            after,
            exited: watch.exited(fullId),
            known,
            signal,
            podmanBack: () => engine.back(PODMAN_RETURN_MS, signal),
          },
          out,
        );
      },
      close: () => watch.close(),
    };
  } catch (err) {
    watch.close();
    throw err;
  }
}
