/**
 * Local images with their architecture. Podman's list has no architecture, so each image is
 * inspected once (an image id's config never changes) and the assembled list is cached until
 * podman's event stream says an image changed. It is read again as soon as that stream opens
 * (after every connect), so a first visit finds it ready.
 */
import {
  archSuffix,
  formatPlatform,
  type ImageDetail,
  type ImageDigests,
  type ImageSummary,
  type RunBadge,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import type { EngineImage } from '../engine/types.js';
import type { EmulatorsService } from '../emulators/emulators.js';
import type { AppError } from '../lib/errors.js';
import { archTagFor } from './arch-tag.js';
import { formatReference, type ImageReference } from './reference.js';
import { DIGEST_LOOKUP_TIMEOUT_MS, resolveDigests, type RecordedDigests } from './image-digests.js';
import type { Registries } from '../registries/registries.js';

// Keeps arm64's v8 when the image config names it, unlike normalizePlatform and the registry
// client: a local image's platform is shown as podman reports it. Comparisons use archSuffix.
const platformString = (i: EngineImage) =>
  formatPlatform({ os: i.os, arch: i.architecture, variant: i.variant });

const MAX_KEPT_DIGESTS = 1000;

/**
 * Inspects in flight at once while many ids are new (a first listing): podman 4.3 answers 300
 * in about 2 s here however many are asked at once (one every ~6 ms), so a burst of hundreds
 * of connections only makes everyone else's request queue behind them.
 */
const INSPECT_CONCURRENCY = 8;

/** `fn` over `items`, at most `limit` at a time; the results in the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Pulls record the platform they asked for; a config that disagrees is flagged. */
type RequestedPlatforms = Map<string, string>;

export class ImagesService {
  /** Inspects by id, in flight or done: an image id's config never changes. */
  private readonly inspected = new Map<string, Promise<EngineImage>>();
  private list: EngineImage[] | null = null;
  /** The load in flight, and how many changes it started after. */
  private loading: { changes: number; images: Promise<EngineImage[]> } | null = null;
  /** Counts what changed the list: a load that saw a change is neither kept nor joined. */
  private changes = 0;
  /** The last list podman gave, and how many of archdeck's own manifest lists it holds now. */
  private lastGood: EngineImage[] | null = null;
  private heldLists = 0;
  private readonly requested: RequestedPlatforms = new Map();
  /** What the registry said about an image's digests, by id and recorded digests. */
  private readonly registryDigests = new Map<string, ImageDigests>();
  private summarised: {
    images: EngineImage[];
    badge: (platform: string) => RunBadge;
    summaries: ImageSummary[];
  } | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly events: EngineEvents,
    private readonly emulators: EmulatorsService,
    private readonly registries: Pick<Registries, 'readManifest'>,
  ) {
    events.subscribe((e) => {
      if (e.kind === 'image' || e.kind === 'resync') this.changed();
      // Only from now on is a list kept (see load): read it ahead of the next visit.
      if (e.kind === 'resync') this.warm();
    });
  }

  /**
   * Reads the list in the background, for the requests that come next to find it; after the
   * load in flight, if any (a first listing's inspects take seconds with hundreds of images,
   * and a second list at the same time only slows both down in podman). A failure is for a
   * request to report.
   */
  private warm(): void {
    const inFlight = this.loading?.images ?? Promise.resolve([]);
    void inFlight
      .catch(() => undefined)
      .then(() => this.images())
      .catch(() => undefined);
  }

  async summaries(): Promise<ImageSummary[]> {
    const [images, badge] = await Promise.all([this.images(), this.emulators.runBadges()]);
    // The same list with the same badges gives the same summaries: made once, not per request.
    const last = this.summarised;
    if (last?.images === images && last.badge === badge) return last.summaries;
    const summaries = images.map((i) => this.summary(i, badge));
    this.summarised = { images, badge, summaries };
    return summaries;
  }

  /** A pull asked for this platform; the list flags an image whose config says another. */
  recordRequested(id: string, platform: string): void {
    this.requested.set(id, platform);
    this.summarised = null;
  }

  /** `signal`: the request's, so that a registry lookup ends when its client leaves. */
  async detail(id: string, signal?: AbortSignal): Promise<ImageDetail> {
    const [image, badge] = await Promise.all([
      this.engine.inspectImageDetail(id),
      this.emulators.runBadges(),
    ]);
    const s = this.summary(image, badge);
    const name =
      image.repoTags[0]?.replace(/:[^:/]+$/, '') ?? image.repoDigests[0]?.split('@')[0] ?? null;
    return {
      ...s,
      name,
      digests: await this.digests(image, signal),
      dockerVersion: image.dockerVersion,
      labels: image.labels,
      layers: image.layers,
      env: image.env,
      entrypoint: image.entrypoint,
      cmd: image.cmd,
      workingDir: image.workingDir,
      user: image.user,
      history: image.history,
    };
  }

  /**
   * Which recorded digest pins what. The registry is asked only when podman's store cannot
   * tell, and its full answers are kept: manifests are content-addressed.
   */
  private async digests(image: RecordedDigests, signal?: AbortSignal): Promise<ImageDigests> {
    const key = `${image.id} ${image.repoDigests.join(' ')}`;
    const known = this.registryDigests.get(key);
    if (known) return known;
    const { digests, keep } = await resolveDigests(image, (reference) =>
      this.registries.readManifest(reference, { timeoutMs: DIGEST_LOOKUP_TIMEOUT_MS, signal }),
    );
    if (keep) {
      if (this.registryDigests.size >= MAX_KEPT_DIGESTS) this.registryDigests.clear();
      this.registryDigests.set(key, digests);
    }
    return digests;
  }

  /** os/arch[/variant] of a local image. */
  async platformOf(id: string): Promise<string> {
    return platformString(await this.inspect(id));
  }

  /** One inspect per id, shared by whoever asks meanwhile and kept; a failed one is not. */
  private inspect(id: string): Promise<EngineImage> {
    let image = this.inspected.get(id);
    if (!image) {
      const inspecting = this.engine.inspectImage(id);
      this.inspected.set(id, inspecting);
      inspecting.catch(() => {
        if (this.inspected.get(id) === inspecting) this.inspected.delete(id);
      });
      image = inspecting;
    }
    return image;
  }

  /**
   * The local image for "ref as platform": its arch tag first (the plain tag may have moved
   * to another architecture), then the plain reference if its architecture is right.
   */
  async findLocal(ref: ImageReference, platform: string): Promise<string | null> {
    const candidates = [archTagFor(ref, platform)?.full, formatReference(ref)].filter(
      (c): c is string => !!c,
    );
    for (const candidate of candidates) {
      const image = await this.engine.inspectImage(candidate).catch(() => null);
      if (image && archSuffix(platformString(image)) === archSuffix(platform)) return image.id;
    }
    return null;
  }

  /**
   * Runs `work`, which holds a manifest list in podman (a push). HACK: podman 4.3 fails every
   * image listing while a local list lacks the host's platform (see engine/images.ts), so
   * meanwhile the list read just before is served, and read again once `work` ends.
   */
  async holdingList<T>(work: () => Promise<T>): Promise<T> {
    await this.images().catch(() => undefined);
    this.heldLists++;
    try {
      return await work();
    } finally {
      this.heldLists--;
      this.changed();
    }
  }

  async remove(id: string): Promise<void> {
    await this.engine.removeImage(id);
    this.changed();
  }

  private changed(): void {
    this.list = null;
    this.changes++;
  }

  /**
   * The cached list, else the load in flight if it began after the last change (one that
   * began before may miss it), else a new load.
   */
  private async images(): Promise<EngineImage[]> {
    if (this.list) return this.list;
    if (this.loading?.changes !== this.changes) {
      const loading = {
        changes: this.changes,
        images: this.load().finally(() => {
          if (this.loading === loading) this.loading = null;
        }),
      };
      this.loading = loading;
    }
    return this.loading.images;
  }

  /**
   * podman's list, each image from the inspect cache or inspected. Kept only while podman's
   * event stream is open and nothing changed during the load: before the stream opens (the
   * first seconds after a connect) a change would go unseen, so every request reads again.
   */
  private async load(): Promise<EngineImage[]> {
    const changes = this.changes;
    const watched = this.events.live;
    let ids;
    try {
      ids = await this.engine.listImages();
    } catch (err) {
      const ours = (err as AppError).code === 'podman_manifest_list' && this.heldLists > 0;
      if (ours && this.lastGood) return this.lastGood;
      throw err;
    }
    const found = await mapLimit(ids, INSPECT_CONCURRENCY, async ({ id, repoTags }) => {
      // HACK: podman lists local manifest lists (`podman manifest create`) as images, and
      // its compat inspect of one fails with 500 "no image found in image index for
      // architecture …" when it has no entry for the host: they are lists, not images.
      const image = await this.inspect(id).catch(() => null);
      if (!image) return null;
      // Tags move between images; the list's are current, the cached inspect's may not be.
      return { ...image, repoTags };
    });
    const images = found.filter((i): i is EngineImage => i !== null);
    const live = new Set(ids.map((i) => i.id));
    for (const id of this.inspected.keys()) if (!live.has(id)) this.inspected.delete(id);
    if (watched && this.events.live && changes === this.changes) this.list = images;
    this.lastGood = images;
    return images;
  }

  private summary(i: EngineImage, badge: (platform: string) => RunBadge): ImageSummary {
    const platform = platformString(i);
    const requested = this.requested.get(i.id);
    return {
      id: i.id,
      shortId: i.id.slice(0, 12),
      repoTags: i.repoTags,
      repoDigests: i.repoDigests,
      architecture: i.architecture,
      os: i.os,
      variant: i.variant,
      platform,
      size: i.size,
      created: i.created,
      badge: badge(platform),
      archMismatch:
        requested && archSuffix(requested) !== archSuffix(platform)
          ? { requested, actual: platform }
          : null,
    };
  }
}
