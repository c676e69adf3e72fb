/**
 * Pulls are daemon jobs (jobs/jobs.ts): a closed tab neither cancels nor loses them, and a
 * daemon restart lists them as interrupted. The outcome is honest: podman reports errors
 * inside its 200 stream, and a stream that ends without podman's final message is
 * `interrupted`, never `succeeded`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import {
  archSuffix,
  canonicalVariant,
  formatPlatform,
  parsePlatform,
  type PullJob,
  type PullLayer,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';

import { JsonLines } from '../lib/json-lines.js';
import { AppError, badRequest } from '../lib/errors.js';
import type { Job, Jobs } from '../jobs/jobs.js';
import { type JobFields } from '../jobs/jobs.js';
import { archForPlatform } from '../emulators/platforms.js';
import { formatReference, parseReference, type ImageReference } from './reference.js';
import { archTagFor } from './arch-tag.js';
import type { ImagesService } from './images.js';
import type { Registries } from '../registries/registries.js';
import { insecureHint } from '../registries/registry-client.js';

/**
 * The registries as a pull needs them: how a reference as typed becomes the name pulled
 * (registries.conf's aliases and search list), and the platform manifest podman will get.
 */
export type PullRegistries = Pick<Registries, 'resolve' | 'choose' | 'platformManifest'>;

interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * `linux/aarch64/v8` → `linux/arm64`: os and arch as emulators/platforms.ts names them, the
 * variant as requested in lower case, arm64's v8 dropped. Unknown platforms are refused.
 */
export function normalizePlatform(platform: string): string {
  const known = archForPlatform(platform)?.platform;
  if (!known)
    throw badRequest(`Unknown platform "${platform}": use os/arch[/variant], e.g. linux/arm64.`);
  const { os, arch } = parsePlatform(known);
  const variant = parsePlatform(platform).variant?.toLowerCase();
  return formatPlatform({ os, arch, variant: canonicalVariant(arch, variant) });
}

/** podman's progress id for a blob: the first 12 hex digits of its digest. */
const progressId = (digest: string) => digest.slice(digest.indexOf(':') + 1).slice(0, 12);

/**
 * What a pull adds to a job: its request, podman's layers so far, and its result.
 *
 * HACK: podman's compat pull reports every blob containers/image copies, and the image's config
 * blob is one (compat/images.go CreateImageFromImage sends `id: digest[0:12]` for each progress
 * event; containers/image's copyConfig copies the config through the same progress reader as
 * the layers). Nothing in the message says "config", so it is recognised by its digest: the
 * registry's platform manifest names it (looked up as the pull starts, see PullManager.run),
 * and podman's final message names it too, as the image id is the config's digest.
 */
class Pull {
  readonly layers = new Map<string, PullLayer>();
  /** The config blob's progress id, once known: never a layer. */
  configId: string | null = null;
  lastId: string | null = null;
  imageId: string | null = null;
  archTag: string | null = null;
  /**
   * Launches waiting for it (a launch joins a running pull rather than start a second). A
   * cancelled launch gives its place back; the pull stops only when it was the launches' alone.
   */
  launches = 0;
  /** Started or joined by a request of its own (POST /api/pulls): no launch may stop it. */
  asked = false;
  job!: Job<PullJob>;

  constructor(
    readonly ref: string,
    readonly platform: string,
  ) {}

  /** The config blob's digest is known: it leaves the layers, if it was counted already. */
  knowConfig(digest: string): void {
    this.configId = progressId(digest);
    if (this.layers.delete(this.configId)) this.job.changed();
  }

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

/** How long a pull's progress waits for the registry to name the config blob. */
const CONFIG_LOOKUP_GRACE_MS = 2_000;

/** Settles when `work` does or after `ms`, whichever is first; never rejects. */
async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export class PullManager {
  private readonly pulls = new WeakMap<Job<PullJob>, Pull>();

  constructor(
    private readonly engine: Engine,
    private readonly images: ImagesService,
    readonly jobs: Jobs<PullJob>,
    private readonly registries: PullRegistries,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Starts a pull, or returns the running one for the same reference and platform. A short
   * name is pulled under the fully qualified name registries.conf gives it, so the job, the
   * image and the arch tag all carry the name podman would have chosen.
   */
  async start(
    refInput: string,
    platformInput: string,
    by: 'request' | 'launch' = 'request',
  ): Promise<PullJob> {
    const platform = normalizePlatform(platformInput);
    const ref = await this.registries.choose(refInput);
    const canonical = formatReference(ref);
    const running = this.jobs.find((job) => {
      const pull = this.pulls.get(job);
      return pull?.ref === canonical && pull.platform === platform;
    });
    if (running) {
      this.count(this.pulls.get(running)!, by);
      return running.snapshot();
    }
    // Refused at once while podman is away, rather than a job that fails at once.
    this.engine.ensureReachable();
    const pull = new Pull(canonical, platform);
    this.count(pull, by);
    const job = this.jobs.add((fields) => pull.view(fields));
    pull.job = job;
    this.pulls.set(job, pull);
    void this.run(pull, ref).catch((err: unknown) => {
      if (!job.running) return;
      this.log.warn({ err, ref: canonical }, 'pull failed');
      job.finish(
        'failed',
        err instanceof AppError ? err.message : `The pull failed: ${(err as Error).message}`,
      );
    });
    return job.snapshot();
  }

  private count(pull: Pull, by: 'request' | 'launch'): void {
    if (by === 'launch') pull.launches++;
    else pull.asked = true;
  }

  /**
   * A launch that waited for this pull no longer does (it was cancelled): the pull is
   * cancelled too when nobody else waits for it.
   */
  release(id: string): void {
    const job = this.jobs.get(id);
    const pull = this.pulls.get(job);
    if (!pull || !job.running) return;
    pull.launches = Math.max(0, pull.launches - 1);
    if (pull.launches === 0 && !pull.asked)
      job.finish('cancelled', 'Cancelled with the run that waited for it.');
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
    for (const candidate of (await this.registries.resolve(refInput)).candidates) {
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

  private async run(pull: Pull, ref: ImageReference): Promise<void> {
    const { job } = pull;
    // podman's messages wait (briefly) for the config's digest, so that the config never
    // shows as a layer, not even for a moment; the lookup takes milliseconds when it works.
    let held: ProgressMessage[] | null = [];
    const released = waitAtMost(this.lookUpConfig(pull, ref), CONFIG_LOOKUP_GRACE_MS).then(() => {
      for (const m of held ?? []) this.progress(pull, m);
      held = null;
    });
    const progress = (m: ProgressMessage) => (held ? held.push(m) : this.progress(pull, m));
    const fromImage = `${ref.registry}/${ref.repository}`;
    const stream = await this.engine.pull(
      fromImage,
      ref.digest ?? ref.tag ?? 'latest',
      pull.platform,
      job.signal,
    );
    const lines = new JsonLines();
    const outcome = await new Promise<'ended' | 'error'>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const m of lines.push(chunk)) progress(m as ProgressMessage);
      });
      stream.on('end', () => resolve('ended'));
      stream.on('error', () => resolve('error'));
      stream.on('close', () => resolve('error'));
    });
    for (const m of lines.end()) progress(m as ProgressMessage);
    await released;
    if (!job.running) return;
    if (outcome === 'error') {
      job.finish('interrupted', await this.whyCut('The connection to podman closed'));
      return;
    }
    await this.verify(pull, ref);
  }

  /** podman's error, with what it means and the fix where the cause is outside podman. */
  private explain(pull: Pull, error: string): string {
    if (!error) return 'podman reported an error without saying which.';
    if (
      /unexpected EOF|connection reset|connection refused|broken pipe|i\/o timeout/i.test(error)
    ) {
      const registry = parseReference(pull.ref).registry;
      return `The registry ${registry} stopped answering during the pull (podman: ${error}). Check that it is up and reachable, then retry.`;
    }
    if (/manifest unknown|name unknown/i.test(error)) {
      const { registry, repository } = parseReference(pull.ref);
      return `${registry} has no ${pull.ref.slice(registry.length + 1)}: check the repository name (${repository}) and the tag or digest (podman: ${error}).`;
    }
    if (
      /does not look like a TLS handshake|server gave HTTP response to HTTPS client/i.test(error)
    ) {
      const { registry } = parseReference(pull.ref);
      return `podman could not pull over TLS from ${registry} (${error}). ${insecureHint(registry)}`;
    }
    if (/no space left on device/i.test(error)) {
      const where = this.engine.graphRoot ?? "podman's storage";
      return `${error}. The disk that holds ${where} is full: free space there (podman image prune removes images no container uses), then retry.`;
    }
    return error;
  }

  /**
   * Learns the config blob's digest from the platform manifest podman is about to pull, read
   * where podman reads it (mirrors, certs.d, auth.json). When no source can say, the config is
   * recognised only by podman's final message, at the end of the pull.
   */
  private async lookUpConfig(pull: Pull, ref: ImageReference): Promise<void> {
    try {
      const { manifest } = await this.registries.platformManifest(
        ref,
        parsePlatform(pull.platform),
        { signal: pull.job.signal },
      );
      pull.knowConfig(manifest.config.digest);
    } catch (err) {
      if (!pull.job.running) return;
      this.log.debug({ err, ref: pull.ref }, "the pull's platform manifest could not be read");
    }
  }

  /** Why a pull stream stopped early, in words: podman going away is said as such. */
  private async whyCut(what: string): Promise<string> {
    return (await this.engine.check())
      ? `${what} before the pull finished: retry it.`
      : `podman stopped during the pull: retry it once podman is back (the Host page shows it).`;
  }

  private progress(pull: Pull, m: ProgressMessage): void {
    if (m.error || m.errorDetail?.message) {
      pull.job.finish('failed', this.explain(pull, m.errorDetail?.message ?? m.error ?? ''));
      return;
    }
    if (!m.id) return;
    pull.lastId = m.id;
    if (m.id === pull.configId) return;
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
  private async verify(pull: Pull, ref: ImageReference): Promise<void> {
    const { job, platform } = pull;
    const image = pull.lastId
      ? await this.engine.inspectImage(pull.lastId).catch(() => null)
      : null;
    if (!image || !pull.lastId || !image.id.startsWith(pull.lastId)) {
      job.finish(
        'interrupted',
        image === null && !(await this.engine.check())
          ? await this.whyCut('The pull stream ended')
          : "The pull stream ended without podman's final message; the pull may not have finished: retry it.",
      );
      return;
    }
    // The image id is the config's digest: whatever was reported under it was the config.
    pull.knowConfig(`sha256:${image.id}`);
    pull.imageId = image.id;
    // The image keeps this record even when its tag moves to another architecture.
    this.images.recordRequested(image.id, platform);
    const actual = formatPlatform({
      os: image.os,
      arch: image.architecture,
      variant: image.variant,
    });
    const archTag = archTagFor(ref, platform);
    if (archTag) {
      await this.engine.tagImage(image.id, archTag.repo, archTag.tag);
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
