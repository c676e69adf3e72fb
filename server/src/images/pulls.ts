/**
 * Pulls are jobs the daemon owns: a closed tab neither cancels nor loses them. Progress is
 * coalesced to at most one update per 100 ms per job. The outcome is honest: podman reports
 * errors inside its 200 stream, and a stream that ends without podman's final message is
 * `interrupted`, never `succeeded`.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { PullJob, PullLayer } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import { inspectImage, pullStream, tagImage } from '../engine/images.js';
import { JsonLines } from '../lib/json-lines.js';
import { AppError, badRequest, notFound } from '../lib/errors.js';
import { archForPlatform } from '../binfmt/platforms.js';
import {
  formatReference,
  parseReference,
  ReferenceError as RefError,
  type ImageReference,
} from './reference.js';
import { archTagFor, archSuffix } from './arch-tag.js';
import { canonicalVariant, formatPlatform, parsePlatform } from './platform.js';
import type { ImagesService } from './images.js';

const EMIT_INTERVAL_MS = 100;
const KEEP_FINISHED = 20;

type Listener = (job: PullJob, final: boolean) => void;

interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** A reference from a request; a missing tag means `latest`, as podman reads it. */
export function parseRef(input: string): ImageReference {
  try {
    const ref = parseReference(input.trim());
    if (!ref.tag && !ref.digest) ref.tag = 'latest';
    return ref;
  } catch (err) {
    if (err instanceof RefError) throw badRequest(`Invalid image reference: ${err.message}`);
    throw err;
  }
}

/**
 * `linux/aarch64/v8` → `linux/arm64`: os and arch as binfmt/platforms.ts names them, the
 * variant as requested in lower case, arm64's v8 dropped. Unknown platforms are refused.
 */
export function normalizePlatform(platform: string): string {
  const known = archForPlatform(platform)?.platform;
  if (!known)
    throw badRequest(`Unknown platform "${platform}": use os/arch[/variant], e.g. linux/arm64.`);
  const { os, arch } = parsePlatform(known);
  const variant = platform.split('/')[2]?.toLowerCase();
  return formatPlatform({ os, arch, variant: canonicalVariant(arch, variant) });
}

class Job {
  readonly listeners = new Set<Listener>();
  readonly layers = new Map<string, PullLayer>();
  stream: Readable | null = null;
  private timer: NodeJS.Timeout | null = null;
  lastId: string | null = null;

  constructor(readonly state: PullJob) {}

  snapshot(): PullJob {
    const layers = [...this.layers.values()];
    const sized = layers.filter((l) => l.total !== null);
    return {
      ...this.state,
      layers,
      current: sized.reduce((n, l) => n + Math.min(l.current, l.total ?? 0), 0),
      total: sized.reduce((n, l) => n + (l.total ?? 0), 0),
    };
  }

  /** Schedules one update for listeners; many podman lines collapse into it. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const snap = this.snapshot();
      for (const l of this.listeners) l(snap, false);
    }, EMIT_INTERVAL_MS);
  }

  finish(state: PullJob['state'], error: string | null = null): void {
    if (this.state.state !== 'running') return;
    this.state.state = state;
    this.state.error = error;
    this.state.finishedAt = new Date().toISOString();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stream?.destroy();
    this.stream = null;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap, true);
    this.listeners.clear();
  }
}

export class PullManager {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly engine: Engine,
    private readonly images: ImagesService,
    private readonly events: EngineEvents,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts a pull, or returns the running one for the same reference and platform. */
  start(refInput: string, platformInput: string): PullJob {
    const ref = parseRef(refInput);
    const platform = normalizePlatform(platformInput);
    const canonical = formatReference(ref);
    for (const job of this.jobs.values()) {
      if (
        job.state.state === 'running' &&
        job.state.ref === canonical &&
        job.state.platform === platform
      )
        return job.snapshot();
    }
    const docker = this.engine.client();
    const job = new Job({
      id: randomUUID(),
      ref: canonical,
      platform,
      state: 'running',
      layers: [],
      current: 0,
      total: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      imageId: null,
      archTag: null,
    });
    this.jobs.set(job.state.id, job);
    this.prune();
    this.events.publish({ kind: 'pull', action: 'start', id: job.state.id });
    job.listeners.add((snap, final) => {
      if (final) this.events.publish({ kind: 'pull', action: snap.state, id: snap.id });
    });
    void this.run(job, ref, platform, docker).catch((err: unknown) => {
      this.log.warn({ err, ref: canonical }, 'pull failed');
      job.finish(
        'failed',
        err instanceof AppError ? err.message : `The pull failed: ${(err as Error).message}`,
      );
    });
    return job.snapshot();
  }

  /**
   * The image for this reference and platform when it is local already, as a pull that had
   * nothing to do: finished, and not kept among the jobs (nothing happened to list).
   */
  async local(refInput: string, platformInput: string): Promise<PullJob | null> {
    const ref = parseRef(refInput);
    const platform = normalizePlatform(platformInput);
    const imageId = await this.images.findLocal(ref, platform);
    if (!imageId) return null;
    const now = new Date().toISOString();
    return {
      id: randomUUID(),
      ref: formatReference(ref),
      platform,
      state: 'succeeded',
      layers: [],
      current: 0,
      total: 0,
      startedAt: now,
      finishedAt: now,
      error: null,
      imageId,
      archTag: null,
    };
  }

  /** Stops every running pull; the daemon is going away. */
  close(): void {
    for (const job of this.jobs.values()) job.finish('cancelled', 'The daemon stopped.');
  }

  list(): PullJob[] {
    return [...this.jobs.values()].map((j) => j.snapshot()).reverse();
  }

  get(id: string): PullJob {
    return this.job(id).snapshot();
  }

  cancel(id: string): void {
    this.job(id).finish('cancelled', 'Cancelled.');
  }

  /** Calls `listener` with every update until the job ends; returns the unsubscribe. */
  subscribe(id: string, listener: Listener): () => void {
    const job = this.job(id);
    if (job.state.state !== 'running') {
      listener(job.snapshot(), true);
      return () => undefined;
    }
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Resolves when the job ends (for "pull then run"). */
  wait(id: string): Promise<PullJob> {
    return new Promise((resolve) => {
      this.subscribe(id, (job, final) => final && resolve(job));
    });
  }

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`No pull job ${id}.`);
    return job;
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(j.state.id);
  }

  private async run(
    job: Job,
    ref: ImageReference,
    platform: string,
    docker: ReturnType<Engine['client']>,
  ): Promise<void> {
    const fromImage = `${ref.registry}/${ref.repository}`;
    const stream = await pullStream(docker, fromImage, ref.digest ?? ref.tag ?? 'latest', platform);
    if (job.state.state !== 'running') {
      stream.destroy();
      return;
    }
    job.stream = stream;
    const lines = new JsonLines();
    const outcome = await new Promise<'ended' | 'error'>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const m of lines.push(chunk)) this.progress(job, m as ProgressMessage);
      });
      stream.on('end', () => resolve('ended'));
      stream.on('error', () => resolve('error'));
      stream.on('close', () => resolve('error'));
    });
    for (const m of lines.end()) this.progress(job, m as ProgressMessage);
    if (job.state.state !== 'running') return;
    if (outcome === 'error') {
      job.finish('interrupted', 'The connection to podman closed before the pull finished.');
      return;
    }
    await this.verify(job, ref, platform, docker);
  }

  private progress(job: Job, m: ProgressMessage): void {
    if (m.error || m.errorDetail?.message) {
      job.finish('failed', m.errorDetail?.message ?? m.error ?? 'podman reported an error');
      return;
    }
    if (!m.id) return;
    job.lastId = m.id;
    const layer = job.layers.get(m.id) ?? { id: m.id, status: '', current: 0, total: null };
    layer.status = m.status ?? layer.status;
    if (typeof m.progressDetail?.total === 'number' && m.progressDetail.total > 0)
      layer.total = m.progressDetail.total;
    if (typeof m.progressDetail?.current === 'number') layer.current = m.progressDetail.current;
    if (/complete|already exists/i.test(layer.status) && layer.total !== null)
      layer.current = layer.total;
    job.layers.set(m.id, layer);
    job.changed();
  }

  /**
   * Podman ends a good pull with a message whose id is the new image's short id. Anything
   * else means the stream stopped early, whatever the HTTP status said.
   */
  private async verify(
    job: Job,
    ref: ImageReference,
    platform: string,
    docker: ReturnType<Engine['client']>,
  ): Promise<void> {
    const local = ref.digest
      ? `${ref.registry}/${ref.repository}@${ref.digest}`
      : formatReference(ref);
    let image;
    try {
      image = await inspectImage(docker, local);
    } catch {
      job.finish(
        'interrupted',
        'The pull stream ended without an image: podman stopped before the pull finished.',
      );
      return;
    }
    if (!job.lastId || !image.id.startsWith(job.lastId)) {
      job.finish(
        'interrupted',
        "The pull stream ended without podman's final message; the pull may not have finished.",
      );
      return;
    }
    // The image keeps this record even when its tag moves to another architecture.
    job.layers.delete(job.lastId);
    job.state.imageId = image.id;
    this.images.recordRequested(image.id, platform);
    const actual = [image.os, image.architecture, image.variant].filter(Boolean).join('/');
    const archTag = archTagFor(ref, platform);
    if (archTag) {
      await tagImage(docker, image.id, archTag.repo, archTag.tag);
      job.state.archTag = archTag.full;
    }
    if (archSuffix(actual) !== archSuffix(platform)) {
      job.finish(
        'succeeded',
        `Pulled, but the image's config says ${actual}, not ${platform}: the publisher may have mislabelled it.`,
      );
      return;
    }
    job.finish('succeeded');
  }
}
