/**
 * Podman's side of container logs: what a log reader needs to know about the container, the
 * raw log stream, and the exit code. The bytes are parsed by log-frames.ts.
 *
 * HACK: podman 4.x serves `logs?follow=1` by polling the log file every 250 ms (libpod's
 * file tailer runs with `Poll: true`), so followed lines arrive in bursts up to 250 ms late.
 * Worse, a follow loses lines once the container has exited: 250 ms after podman sees the
 * container die it tells its tailer to stop at EOF, and from then on lines go missing, in the
 * middle of the stream and not just at its end (https://github.com/containers/podman/issues/21914;
 * measured here: 200,000 lines written just before the exit arrived as about 60,000, with
 * hundreds of gaps). What was read before that moment is a faithful prefix of the log. So:
 * never follow a stopped container, and trust a follow's lines only up to FOLLOW_TRUSTED_MS
 * after the exit.
 *
 * HACK: podman's `tail=N` reassembles partial lines without regard to their stream, so a
 * stdout piece ends up on a stderr line and lines are cut
 * (https://github.com/containers/podman/issues/19545, seen with 4.3.1). We never send
 * `tail`; callers count lines themselves.
 */
import type Docker from 'dockerode';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { WithAbort } from '../connection.js';
import { engineError } from '../errors.js';
import type { LogsTarget } from '../types.js';

/** podman's poll interval, which it also waits after a container died before cutting. */
export const FOLLOW_TRUSTED_MS = 250;

interface CompatState {
  Id: string;
  State?: { Status?: string; Running?: boolean; ExitCode?: number; FinishedAt?: string };
  Config?: { Tty?: boolean };
  HostConfig?: { AutoRemove?: boolean; LogConfig?: { Type?: string } };
  LogPath?: string;
}

export async function inspectForLogs(
  docker: Docker,
  id: string,
  signal?: AbortSignal,
): Promise<LogsTarget> {
  const container = docker.getContainer(id);
  let c: CompatState;
  try {
    // dockerode passes { abortSignal } on; @types/dockerode omits it for inspect().
    c = await (container.inspect as WithAbort<CompatState>).call(container, {
      abortSignal: signal,
    });
  } catch (err) {
    throw engineError(err, `container ${id}`);
  }
  const running = c.State?.Running === true;
  const neverRan = c.State?.Status === 'created' || c.State?.Status === 'configured';
  const finishedAt = Date.parse(c.State?.FinishedAt ?? '');
  return {
    id: c.Id,
    tty: c.Config?.Tty === true,
    autoRemove: c.HostConfig?.AutoRemove === true,
    running,
    exitCode: running || neverRan ? null : (c.State?.ExitCode ?? null),
    // podman writes the zero time, year 1, for a container that never stopped.
    finishedAt: running || neverRan || !(finishedAt > 0) ? null : finishedAt,
    logFile: logFileOf(c),
  };
}

/**
 * Where a container's log is a k8s-file podman writes, from its compat inspect; null for
 * journald and none, which have no file. HACK: the compat inspect calls the k8s-file driver
 * json-file, which podman only knows as an alias of k8s-file ("json-file aliased to k8s-file
 * for scripting compatibility", podman-run(1) --log-driver).
 */
export function logFileOf(c: {
  LogPath?: string;
  HostConfig?: { LogConfig?: { Type?: string } };
}): string | null {
  const type = c.HostConfig?.LogConfig?.Type;
  return (type === 'json-file' || type === 'k8s-file') && c.LogPath ? c.LogPath : null;
}

export interface LogsOptions {
  follow: boolean;
  /** Unix seconds: only entries written after it. */
  since?: number;
  timestamps: boolean;
  /** Aborting destroys the connection to podman at once. */
  signal: AbortSignal;
}

/**
 * The raw log stream: Docker framing without a TTY, plain bytes with one. It is always a
 * stream, follow or not: dockerode's `container.logs()` buffers the whole history in memory
 * unless follow is set, which a long log cannot afford.
 */
export function openLogs(docker: Docker, id: string, opts: LogsOptions): Promise<Readable> {
  const query: Record<string, string | number> = {
    stdout: 1,
    stderr: 1,
    follow: opts.follow ? 1 : 0,
    timestamps: opts.timestamps ? 1 : 0,
  };
  if (opts.since !== undefined) query.since = opts.since;
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        options: query,
        isStream: true,
        abortSignal: opts.signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err, res) => {
        if (err) return reject(engineError(err, `container ${id}`));
        const stream = res as IncomingMessage;
        // The request's signal only covers the request; the response needs its own.
        const cut = () => stream.destroy();
        if (opts.signal.aborted) cut();
        opts.signal.addEventListener('abort', cut, { once: true });
        stream.once('close', () => opts.signal.removeEventListener('abort', cut));
        resolve(stream);
      },
    );
  });
}

/** Waits until the container is not running and returns its exit code. */
export async function waitExit(docker: Docker, id: string, signal: AbortSignal): Promise<number> {
  try {
    const res = (await docker.getContainer(id).wait({ abortSignal: signal })) as {
      StatusCode?: number;
    };
    return res.StatusCode ?? 0;
  } catch (err) {
    throw engineError(err, `container ${id}`);
  }
}
