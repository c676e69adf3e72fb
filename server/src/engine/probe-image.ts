/**
 * The smoke-test probe as podman sees it: a FROM-scratch image per platform, built locally
 * through the compat build endpoint (no registry involved), and one short-lived container
 * run from it. Only facts come back (exit code, output, timing); judging them is the
 * smoke-test service's job.
 */
import type Docker from 'dockerode';
import { Readable } from 'node:stream';
import type { LogLine } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import { JsonLines } from '../lib/json-lines.js';
import { tarArchive } from '../lib/tar.js';
import { IMAGE_LABEL, PLATFORM_LABEL, PROBE_LABEL, PROBE_REPO } from './labels.js';
import { engineError } from './errors.js';
import { LogDemuxer } from './logs/frames.js';
import type { ProbeImageSpec, ProbeRun } from './types.js';

/** The sha256 of the probe binary inside: a different binary means a stale image. */
export const PROBE_HASH_LABEL = 'io.archdeck.probe.sha256';
/** More than the probe's one line ever needs; a runaway emulator cannot fill our memory. */
const MAX_OUTPUT = 16 * 1024;
/** How long to wait for the last output after the exit, before giving up on it. */
const DRAIN_MS = 2000;

interface CompatImage {
  Id: string;
  Architecture?: string;
  Config?: { Labels?: Record<string, string> | null };
}

/** The probe image's id: the existing one when its hash label matches, else a fresh build. */
export async function ensureProbeImage(
  docker: Docker,
  spec: ProbeImageSpec,
): Promise<{ id: string; built: boolean }> {
  const tag = `${PROBE_REPO}:${spec.arch}`;
  const existing = (await docker
    .getImage(tag)
    .inspect()
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return null;
      throw engineError(err, `image ${tag}`);
    })) as CompatImage | null;
  if (
    existing &&
    existing.Config?.Labels?.[PROBE_HASH_LABEL] === spec.sha256 &&
    existing.Architecture === spec.arch
  ) {
    return { id: existing.Id.replace(/^sha256:/, ''), built: false };
  }

  const containerfile = [
    'FROM scratch',
    `LABEL ${PROBE_HASH_LABEL}=${spec.sha256} ${PROBE_LABEL}=1`,
    'COPY probe /probe',
    'ENTRYPOINT ["/probe"]',
    '',
  ].join('\n');
  const context = tarArchive([
    { name: 'Containerfile', data: Buffer.from(containerfile) },
    { name: 'probe', data: spec.binary, mode: 0o755 },
  ]);
  let stream: Readable;
  try {
    stream = (await docker.buildImage(Readable.from([context]), {
      t: tag,
      platform: spec.platform,
      dockerfile: 'Containerfile',
      // buildah 1.28's layer cache ignores the platform: an identical COPY built for another
      // platform would hand back that platform's image.
      nocache: true,
      rm: true,
      forcerm: true,
    })) as unknown as Readable;
  } catch (err) {
    throw engineError(err, `probe image ${tag}`);
  }
  // Build errors arrive inside the 200 stream, as Docker's {"error": ...} lines.
  const lines = new JsonLines();
  let id: string | null = null;
  let error: string | null = null;
  for await (const chunk of stream) {
    for (const value of lines.push(chunk as Buffer)) {
      const v = value as { aux?: { ID?: string }; error?: string };
      if (typeof v.error === 'string') error = v.error.trim();
      if (typeof v.aux?.ID === 'string') id = v.aux.ID.replace(/^sha256:/, '');
    }
  }
  if (error || !id) {
    throw new AppError(
      502,
      'probe_build_failed',
      `Podman could not build the probe image ${tag}: ${error ?? 'the build reported no image'}`,
    );
  }
  // The image the tag left behind is ours and useless now; a container using it keeps it.
  if (existing && existing.Id.replace(/^sha256:/, '') !== id) {
    await docker
      .getImage(existing.Id)
      .remove()
      .catch(() => undefined);
  }
  return { id, built: true };
}

/** Runs the probe image once: no network, removed when it exits, killed after `timeoutMs`. */
export async function runProbe(
  docker: Docker,
  image: { id: string; tag: string; platform: string },
  timeoutMs: number,
): Promise<ProbeRun> {
  const started = performance.now();
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image.id,
      Tty: false,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { [PLATFORM_LABEL]: image.platform, [IMAGE_LABEL]: image.tag, [PROBE_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none', AutoRemove: true },
    });
  } catch (err) {
    throw engineError(err, `probe container for ${image.platform}`);
  }

  let attach: NodeJS.ReadableStream;
  try {
    attach = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream;
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw engineError(err, `probe container ${container.id}`);
  }
  const lines: LogLine[] = [];
  const demux = new LogDemuxer({ tty: false });
  let received = 0;
  attach.on('data', (chunk: Buffer) => {
    if (received >= MAX_OUTPUT) return;
    received += chunk.length;
    try {
      demux.push(chunk, lines);
    } catch {
      // A broken frame ends what we can read; the exit code still tells the story.
      received = MAX_OUTPUT;
    }
  });
  const ended = new Promise<number>((resolve) => {
    const done = () => resolve(performance.now());
    attach.once('end', done);
    attach.once('close', done);
    attach.once('error', done);
  });

  // HACK: with AutoRemove the container may be gone before a wait sent after the exit arrives;
  // podman's "next-exit" wait, sent before the start, is answered with the exit code. Its
  // default ("not-running") answers a created container at once, with -1.
  const exited = (
    container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode?: number }>
  ).then(
    (r) => ({ exitCode: typeof r.StatusCode === 'number' ? r.StatusCode : null }),
    () => ({ exitCode: null }),
  );

  let startError: string | null = null;
  try {
    await container.start();
  } catch (err) {
    const e = err as { json?: { message?: string }; message?: string };
    startError = e.json?.message ?? e.message ?? String(err);
  }

  let timedOut = false;
  let exitCode: number | null = null;
  if (startError === null) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') timedOut = true;
    else exitCode = first.exitCode;
  }
  if (startError !== null || timedOut) {
    // A container that never started is not auto-removed, and one that hangs never exits.
    await container.remove({ force: true }).catch(() => undefined);
  }

  let drain: NodeJS.Timeout | undefined;
  const endedAt = await Promise.race([
    ended,
    new Promise<number>((resolve) => {
      drain = setTimeout(() => resolve(performance.now()), DRAIN_MS);
    }),
  ]);
  clearTimeout(drain);
  (attach as Readable).destroy?.();
  demux.end(lines);
  return {
    exitCode,
    output: lines.map((l) => l.t).join('\n'),
    startError,
    timedOut,
    durationMs: Math.max(0, Math.round(endedAt - started)),
  };
}
