/**
 * A push publishes a list draft: the job creates the list in podman (under a name of its own),
 * pushes it with every image in it, and removes it again in a `finally`, on failure and cancel
 * too; a list left behind by a daemon that was killed mid-push is removed when it starts again.
 * Meanwhile the image list is served from before the push (ImagesService.holdingList). Then
 * the index is read back from the registry with the daemon's own client: what it serves, and
 * that each of its images is one of the list's (a manifest's config digest is the image id).
 */
import type { FastifyBaseLogger } from 'fastify';
import { formatPlatform, type PushedIndex, type PushJob } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import { AppError } from '../lib/errors.js';
import type { Job, JobFields, Jobs } from '../jobs/jobs.js';
import type { ImagesService } from '../images/images.js';
import { formatReference, parseRef } from '../images/reference.js';
import type { Registries } from '../registries/registries.js';
import type { ManifestsService, StoredList } from './manifests.js';

/** podman's lines kept in the job. */
const KEEP_OUTPUT = 200;

/** The name a push job's list has in podman: its own, so it never meets an image's. */
export const pushListName = (jobId: string) => `localhost/archdeck-push-${jobId}:latest`;

class Push {
  images = 0;
  copied = 0;
  readonly output: string[] = [];
  pushed: PushedIndex | null = null;
  job!: Job<PushJob>;

  constructor(readonly list: StoredList) {}

  view(fields: JobFields): PushJob {
    return {
      ...fields,
      manifestId: this.list.id,
      name: this.list.name,
      images: this.images,
      copied: this.copied,
      output: [...this.output],
      pushed: this.pushed,
    };
  }

  line(text: string): void {
    const list = /^Copying (\d+) of (\d+) images in list/.exec(text);
    if (list) this.images = Number(list[1]);
    const image = /^Copying image \S+ \((\d+)\/(\d+)\)/.exec(text);
    if (image) this.copied = Number(image[1]) - 1;
    if (/^Writing manifest list/.test(text)) this.copied = this.images;
    this.output.push(text);
    if (this.output.length > KEEP_OUTPUT) this.output.shift();
    this.job.changed();
  }
}

/** podman's push error, with the fix when the cause is the registry or its configuration. */
function explain(name: string, message: string): string {
  const registry = parseRef(name).registry;
  if (/unauthorized|authentication required|denied/i.test(message)) {
    return `${message}. The registry ${registry} wants credentials podman does not have: \`podman login ${registry}\` on this host, then push again.`;
  }
  if (/server gave HTTP response to HTTPS client/i.test(message)) {
    return `${message}. ${registry} speaks plain HTTP: mark it insecure in registries.conf ([[registry]] location="${registry}" insecure=true) and restart podman.`;
  }
  if (/connection refused|no such host|i\/o timeout/i.test(message)) {
    return `${message}. The registry ${registry} is not reachable: check that it is up, then push again.`;
  }
  return message;
}

export class PushManager {
  private readonly pushes = new WeakMap<Job<PushJob>, Push>();

  constructor(
    private readonly engine: Engine,
    private readonly images: ImagesService,
    private readonly manifests: ManifestsService,
    readonly jobs: Jobs<PushJob>,
    private readonly log: FastifyBaseLogger,
    private readonly registries: Registries,
  ) {}

  /**
   * Removes the lists that pushes cut by a daemon restart left in podman (they break its image
   * listing); called once podman answers.
   */
  async removeLeftovers(jobIds: string[]): Promise<void> {
    for (const id of jobIds) {
      const removed = await this.engine
        .removeManifestList(pushListName(id))
        .catch((err: unknown) => {
          this.log.warn(
            { err, id },
            'could not remove a manifest list left by an interrupted push',
          );
          return false;
        });
      if (removed) this.log.info({ id }, 'removed the manifest list an interrupted push left');
    }
  }

  /** Starts pushing a list, or returns the push of it that is running. */
  async start(manifestId: string): Promise<PushJob> {
    const list = this.manifests.stored(manifestId);
    const running = this.jobs.find((job) => this.pushes.get(job)?.list.id === manifestId);
    if (running) return running.snapshot();
    const view = await this.manifests.get(manifestId);
    if (view.entries.length === 0) {
      throw new AppError(
        409,
        'conflict',
        `The manifest list ${list.name} is empty: add an image first.`,
      );
    }
    const missing = view.entries.filter((e) => !e.present);
    if (missing.length > 0) {
      throw new AppError(
        409,
        'conflict',
        `The list names images that are gone (${missing.map((e) => `${e.platform} ${e.imageId.slice(0, 12)}`).join(', ')}): remove them from it, or build them again.`,
      );
    }
    const push = new Push({ ...list, entries: [...list.entries] });
    push.images = list.entries.length;
    const job = this.jobs.add((fields) => push.view(fields));
    push.job = job;
    this.pushes.set(job, push);
    void this.run(push).catch((err: unknown) => {
      if (!job.running) return;
      this.log.warn({ err, name: list.name }, 'push failed');
      job.finish(
        'failed',
        err instanceof AppError ? err.message : `The push failed: ${(err as Error).message}`,
      );
    });
    return job.snapshot();
  }

  private async run(push: Push): Promise<void> {
    const { job, list } = push;
    this.engine.ensureReachable();
    const name = pushListName(job.fields.id);
    let digest: string | null = null;
    let failure: string | null = null;
    let cut: string | null = null;
    await this.images.holdingList(async () => {
      try {
        await this.engine.createManifestList(
          name,
          list.entries.map((e) => e.imageId),
        );
        for await (const event of this.engine.pushManifestList(name, list.name, job.signal)) {
          if (event.kind === 'output') push.line(event.text);
          else if (event.kind === 'failed') failure = event.message;
          else if (event.kind === 'pushed') digest = event.digest;
          else cut = event.message;
        }
      } finally {
        // Not tied to the job's signal: a cancelled push must still take its list away.
        await this.engine
          .removeManifestList(name)
          .catch((err: unknown) =>
            this.log.warn({ err, name }, 'could not remove the manifest list of a push'),
          );
      }
    });
    if (!job.running) {
      this.manifests.recordPush(list.id, job.fields.id, null);
      return;
    }
    if (failure !== null) {
      this.manifests.recordPush(list.id, job.fields.id, null);
      job.finish('failed', explain(list.name, failure));
      return;
    }
    if (digest === null || cut !== null) {
      this.manifests.recordPush(list.id, job.fields.id, null);
      job.finish(
        'interrupted',
        (await this.engine.check())
          ? "The push stream ended without podman's final message; the push may not have finished: push again."
          : 'podman stopped during the push: push again once podman is back (the Host page shows it).',
      );
      return;
    }
    push.pushed = await this.readBack(push, job.signal);
    this.manifests.recordPush(list.id, job.fields.id, push.pushed);
    job.finish('succeeded');
  }

  /** The index as the registry serves it now, each platform matched to the list's image. */
  private async readBack(push: Push, signal: AbortSignal): Promise<PushedIndex | null> {
    try {
      const ref = parseRef(push.list.name);
      // Read where a pull of it would read it: mirrors, certificates and logins as podman has them.
      const { remote } = await this.registries.inspect(formatReference(ref), { signal });
      const platforms = await Promise.all(
        remote.platforms.map(async (p) => {
          const manifest = await this.registries.readManifest(
            formatReference({ ...ref, tag: null, digest: p.digest }),
            { signal },
          );
          const config =
            manifest.kind === 'image' ? manifest.config.digest.replace(/^sha256:/, '') : null;
          return {
            platform: formatPlatform({ os: p.os, arch: p.architecture, variant: p.variant }),
            digest: p.digest,
            size: p.size,
            imageId: push.list.entries.find((e) => e.imageId === config)?.imageId ?? null,
          };
        }),
      );
      return {
        reference: remote.reference,
        digest: remote.digest,
        mediaType: remote.mediaType,
        platforms,
      };
    } catch (err) {
      this.log.warn({ err, name: push.list.name }, 'could not read the pushed index back');
      push.line(
        `archdeck: pushed, but the registry could not be read back: ${(err as Error).message}`,
      );
      return null;
    }
  }
}
