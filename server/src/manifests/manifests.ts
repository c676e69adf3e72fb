/**
 * Manifest list drafts: a name to publish under and local images, one per platform, kept by the
 * daemon in `<data-dir>/manifests.json` rather than in podman. HACK: a local list in podman 4.3
 * that lacks the host's platform makes every image listing fail (engine/images.ts), so a list
 * exists in podman only inside the push job that publishes it (pushes.ts).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import {
  archSuffix,
  formatPlatform,
  type ManifestEntry,
  type ManifestList,
  type PushedIndex,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import { AppError, badRequest, notFound } from '../lib/errors.js';
import { RecordFile } from '../lib/record-file.js';
import { parseRef } from '../images/reference.js';
import { formatReference } from '../images/reference.js';

/** What the record keeps of a list; the rest is read from podman when it is shown. */
export interface StoredList {
  id: string;
  name: string;
  entries: Array<{ imageId: string; platform: string }>;
  createdAt: string;
  updatedAt: string;
  lastPushId: string | null;
  pushed: PushedIndex | null;
}

const MAX_LISTS = 200;

/** `registry/repo:tag`: a list is published under a tag (a digest names one list, not a place). */
export function listReference(input: string): string {
  const ref = parseRef(input);
  if (ref.digest) throw badRequest('A manifest list is published under a tag: write name:tag.');
  return formatReference(ref);
}

export class ManifestsService {
  private readonly lists = new Map<string, StoredList>();
  private readonly file: RecordFile;

  constructor(
    private readonly engine: Engine,
    private readonly events: EngineEvents,
    private readonly log: FastifyBaseLogger,
    dataDir: string,
  ) {
    this.file = new RecordFile(join(dataDir, 'manifests.json'), log);
  }

  async load(): Promise<void> {
    try {
      const text = await this.file.read();
      const saved = text === null ? [] : (JSON.parse(text) as StoredList[]);
      for (const list of Array.isArray(saved) ? saved : []) {
        if (typeof list?.id === 'string' && Array.isArray(list.entries))
          this.lists.set(list.id, list);
      }
    } catch (err) {
      this.log.warn({ err, file: this.file.path }, 'ignoring an unreadable manifest list record');
    }
  }

  saved(): Promise<void> {
    return this.file.saved();
  }

  /** The stored list, or a 404. */
  stored(id: string): StoredList {
    const list = this.lists.get(id);
    if (!list) throw notFound(`No manifest list ${id}: it was removed, or never made here.`);
    return list;
  }

  async list(): Promise<ManifestList[]> {
    const lists = [...this.lists.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return Promise.all(lists.map((l) => this.view(l)));
  }

  get(id: string): Promise<ManifestList> {
    return this.view(this.stored(id));
  }

  async create(nameInput: string, images: string[]): Promise<ManifestList> {
    const name = listReference(nameInput);
    if ([...this.lists.values()].some((l) => l.name === name)) {
      throw new AppError(
        409,
        'conflict',
        `There is a manifest list for ${name} already: add to that one, or remove it first.`,
      );
    }
    if (this.lists.size >= MAX_LISTS) {
      throw new AppError(
        409,
        'conflict',
        `archdeck keeps at most ${MAX_LISTS} manifest lists: remove some first.`,
      );
    }
    const entries: StoredList['entries'] = [];
    for (const image of images) this.addTo(entries, await this.entryFor(image));
    const now = new Date().toISOString();
    const list: StoredList = {
      id: randomBytes(16).toString('hex'),
      name,
      entries,
      createdAt: now,
      updatedAt: now,
      lastPushId: null,
      pushed: null,
    };
    this.lists.set(list.id, list);
    this.changed(list, 'create');
    return this.view(list);
  }

  async addEntry(id: string, image: string): Promise<ManifestList> {
    const list = this.stored(id);
    const entry = await this.entryFor(image);
    this.addTo(list.entries, entry);
    this.changed(list, 'update');
    return this.view(list);
  }

  async removeEntry(id: string, imageId: string): Promise<ManifestList> {
    const list = this.stored(id);
    const at = list.entries.findIndex((e) => e.imageId === imageId);
    if (at === -1)
      throw notFound(`The manifest list ${list.name} has no image ${imageId.slice(0, 12)}.`);
    list.entries.splice(at, 1);
    this.changed(list, 'update');
    return this.view(list);
  }

  remove(id: string): void {
    const list = this.stored(id);
    this.lists.delete(id);
    this.changed(list, 'remove');
  }

  /** A push of the list ended: what the registry served, or only the attempt. */
  recordPush(id: string, pushId: string, pushed: PushedIndex | null): void {
    const list = this.lists.get(id);
    if (!list) return;
    list.lastPushId = pushId;
    if (pushed) list.pushed = pushed;
    this.changed(list, 'push');
  }

  private changed(list: StoredList, action: string): void {
    list.updatedAt = new Date().toISOString();
    this.file.save(JSON.stringify([...this.lists.values()]));
    this.events.publish({ kind: 'manifest', action, id: list.id });
  }

  /** One per platform: a second image for a platform would leave pulls to guess. */
  private addTo(entries: StoredList['entries'], entry: StoredList['entries'][number]): void {
    if (entries.some((e) => e.imageId === entry.imageId)) {
      throw new AppError(
        409,
        'conflict',
        `Image ${entry.imageId.slice(0, 12)} is in the list already.`,
      );
    }
    const same = entries.find((e) => archSuffix(e.platform) === archSuffix(entry.platform));
    if (same) {
      throw new AppError(
        409,
        'conflict',
        `The list has an image for ${same.platform} already (${same.imageId.slice(0, 12)}): a list holds one image per platform. Remove that one first.`,
      );
    }
    entries.push(entry);
  }

  private async entryFor(image: string): Promise<StoredList['entries'][number]> {
    const id = image.replace(/^sha256:/, '');
    const found = await this.engine.inspectImageManifest(id).catch((err: unknown) => {
      if ((err as AppError).statusCode === 404)
        throw badRequest(`No local image ${id}: build or pull it first.`);
      throw err;
    });
    return {
      imageId: found.id,
      platform: formatPlatform({ os: found.os, arch: found.architecture, variant: found.variant }),
    };
  }

  private async view(list: StoredList): Promise<ManifestList> {
    const entries = await Promise.all(
      list.entries.map(async (e): Promise<ManifestEntry> => {
        const image = await this.engine.inspectImageManifest(e.imageId).catch((err: unknown) => {
          if ((err as AppError).statusCode === 404) return null;
          throw err;
        });
        return {
          imageId: e.imageId,
          platform: e.platform,
          repoTags: image?.repoTags ?? [],
          present: image !== null,
          digest: image?.manifestDigest ?? null,
        };
      }),
    );
    return {
      id: list.id,
      name: list.name,
      entries,
      createdAt: list.createdAt,
      updatedAt: list.updatedAt,
      lastPushId: list.lastPushId,
      pushed: list.pushed,
    };
  }
}
