/**
 * Pulls are daemon jobs (jobs/jobs.ts): a closed tab neither cancels nor loses them, and a
 * daemon restart lists them as interrupted. The outcome is honest: podman reports errors
 * inside its 200 stream, and a stream that ends without podman's final message is
 * `interrupted`, never `succeeded`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { PullJob, PullLayer } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';

type Docker = ReturnType<Engine['client']>;
import { inspectImage, pullStream, tagImage } from '../engine/images.js';
import { JsonLines } from '../lib/json-lines.js';
import { AppError, badRequest } from '../lib/errors.js';
import type { Job, Jobs } from '../jobs/jobs.js';
import { type JobFields } from '../jobs/jobs.js';
import { archForPlatform } from '../binfmt/platforms.js';
import { formatReference, type ImageReference } from './reference.js';
import { archTagFor, archSuffix } from './arch-tag.js';
import { canonicalVariant, formatPlatform, parsePlatform } from './platform.js';
import type { ImagesService } from './images.js';
import type { Registries } from '../registries/registries.js';

/** How a reference as typed becomes the name pulled: registries.conf's aliases and search list. */
export type NameResolver = Pick<Registries, 'resolve' | 'choose'>;

interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
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

/** What a pull adds to a job: its request, podman's layers so far, and its result. */
class Pull {
  readonly layers = new Map<string, PullLayer>();
  lastId: string | null = null;
  imageId: string | null = null;
  archTag: string | null = null;
  job!: Job<PullJob>;

  constructor(
    readonly ref: string,
    readonly platform: string,
  ) {}

  view(fields: JobFields): PullJob {
    const layers = [...this.layers.values()];
    const sized = layers.filter((l) => l.total !== null);
    return {
      ...fields,
      ref: this.ref,
      platform: this.platform,
      layers,
      current: sized.reduce((n, l) => n + Math.min(l.current, l.total ?? 0), 0),
      total: sized.reduce((n, l) => n + (l.total ?? 0), 0),
      imageId: this.imageId,
      archTag: this.archTag,
    };
  }
}

export class PullManager {
  private readonly pulls = new WeakMap<Job<PullJob>, Pull>();

  constructor(
    private readonly engine: Engine,
    private readonly images: ImagesService,
    readonly jobs: Jobs<PullJob>,
    private readonly names: NameResolver,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Starts a pull, or returns the running one for the same reference and platform. A short
   * name is pulled under the fully qualified name registries.conf gives it, so the job, the
   * image and the arch tag all carry the name podman would have chosen.
   */
  async start(refInput: string, platformInput: string): Promise<PullJob> {
    const platform = normalizePlatform(platformInput);
    const ref = await this.names.choose(refInput);
    const canonical = formatReference(ref);
    const running = this.jobs.find((job) => {
      const pull = this.pulls.get(job);
      return pull?.ref === canonical && pull.platform === platform;
    });
    if (running) return running.snapshot();
    const docker = this.engine.client();
    const pull = new Pull(canonical, platform);
    const job = this.jobs.add((fields) => pull.view(fields));
    pull.job = job;
    this.pulls.set(job, pull);
    void this.run(pull, ref, docker).catch((err: unknown) => {
      if (!job.running) return;
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
    const platform = normalizePlatform(platformInput);
    // Every name a short name could stand for, in order, as podman looks locally first.
    let ref: ImageReference | null = null;
    let imageId: string | null = null;
    for (const candidate of (await this.names.resolve(refInput)).candidates) {
      imageId = await this.images.findLocal(candidate, platform);
      if (imageId) {
        ref = candidate;
        break;
      }
    }
    if (!imageId || !ref) return null;
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

  private async run(pull: Pull, ref: ImageReference, docker: Docker): Promise<void> {
    const { job } = pull;
    const fromImage = `${ref.registry}/${ref.repository}`;
    const stream = await pullStream(
      docker,
      fromImage,
      ref.digest ?? ref.tag ?? 'latest',
      pull.platform,
      job.signal,
    );
    const lines = new JsonLines();
    const outcome = await new Promise<'ended' | 'error'>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const m of lines.push(chunk)) this.progress(pull, m as ProgressMessage);
      });
      stream.on('end', () => resolve('ended'));
      stream.on('error', () => resolve('error'));
      stream.on('close', () => resolve('error'));
    });
    for (const m of lines.end()) this.progress(pull, m as ProgressMessage);
    if (!job.running) return;
    if (outcome === 'error') {
      job.finish('interrupted', await this.whyCut('The connection to podman closed'));
      return;
    }
    await this.verify(pull, ref, docker);
  }

  /** Why a pull stream stopped early, in words: podman going away is said as such. */
  private async whyCut(what: string): Promise<string> {
    return (await this.engine.check())
      ? `${what} before the pull finished: retry it.`
      : `podman stopped during the pull: retry it once podman is back (the Host page shows it).`;
  }

  private progress(pull: Pull, m: ProgressMessage): void {
    if (m.error || m.errorDetail?.message) {
      pull.job.finish('failed', m.errorDetail?.message ?? m.error ?? 'podman reported an error');
      return;
    }
    if (!m.id) return;
    pull.lastId = m.id;
    const layer = pull.layers.get(m.id) ?? { id: m.id, status: '', current: 0, total: null };
    layer.status = m.status ?? layer.status;
    if (typeof m.progressDetail?.total === 'number' && m.progressDetail.total > 0)
      layer.total = m.progressDetail.total;
    if (typeof m.progressDetail?.current === 'number') layer.current = m.progressDetail.current;
    if (/complete|already exists/i.test(layer.status) && layer.total !== null)
      layer.current = layer.total;
    pull.layers.set(m.id, layer);
    pull.job.changed();
  }

  /**
   * Podman ends a good pull with a message whose id is the new image's short id. Anything
   * else means the stream stopped early, whatever the HTTP status said. The image is looked up
   * by that id, not by the tag: a pull of the same tag for another platform, at the same time,
   * may already have moved the tag to its own image.
   */
  private async verify(pull: Pull, ref: ImageReference, docker: Docker): Promise<void> {
    const { job, platform } = pull;
    const image = pull.lastId ? await inspectImage(docker, pull.lastId).catch(() => null) : null;
    if (!image || !pull.lastId || !image.id.startsWith(pull.lastId)) {
      job.finish(
        'interrupted',
        image === null && !(await this.engine.check())
          ? await this.whyCut('The pull stream ended')
          : "The pull stream ended without podman's final message; the pull may not have finished: retry it.",
      );
      return;
    }
    // The image keeps this record even when its tag moves to another architecture.
    pull.layers.delete(pull.lastId);
    pull.imageId = image.id;
    this.images.recordRequested(image.id, platform);
    const actual = [image.os, image.architecture, image.variant].filter(Boolean).join('/');
    const archTag = archTagFor(ref, platform);
    if (archTag) {
      await tagImage(docker, image.id, archTag.repo, archTag.tag);
      pull.archTag = archTag.full;
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
