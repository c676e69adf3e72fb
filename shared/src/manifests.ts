/**
 * Manifest lists: one reference that serves every architecture. The daemon keeps a list as a
 * draft of its own (a name and local images, one per platform); podman holds it only while a
 * push job publishes it to a registry.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { JobState } from './jobs.js';

const ImageId = Type.String({
  minLength: 1,
  maxLength: 71,
  pattern: '^(sha256:)?[a-f0-9]{12,64}$',
  description: 'A local image id, full or at least 12 hex digits',
});

/** One platform of a list: a local image. */
export const ManifestEntry = Type.Object({
  imageId: Type.String(),
  platform: Type.String(),
  /** Its local tags now. */
  repoTags: Type.Array(Type.String()),
  /** false when the image was removed since it was added: a push would fail. */
  present: Type.Boolean(),
  /**
   * The digest of its manifest in podman's store, which a list made here names; null when the
   * store cannot be read. A push compresses the layers, so the registry's digest differs.
   */
  digest: Nullable(Type.String()),
});
export type ManifestEntry = Static<typeof ManifestEntry>;

/** One platform of an index read back from its registry. */
export const PushedPlatform = Type.Object({
  platform: Type.String(),
  /** The platform manifest's digest in the registry. */
  digest: Type.String(),
  size: Type.Number(),
  /**
   * The local image it was made from (the manifest's config digest is the image id), or null
   * when it is none of the list's.
   */
  imageId: Nullable(Type.String()),
});
export type PushedPlatform = Static<typeof PushedPlatform>;

/** An index as its registry serves it, right after a push. */
export const PushedIndex = Type.Object({
  reference: Type.String(),
  digest: Type.String(),
  mediaType: Type.String(),
  platforms: Type.Array(PushedPlatform),
});
export type PushedIndex = Static<typeof PushedIndex>;

export const ManifestList = Type.Object({
  id: Type.String(),
  /** Where it is pushed, e.g. `registry.example:5000/team/app:1`. */
  name: Type.String(),
  entries: Type.Array(ManifestEntry),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** The last push job, if any. */
  lastPushId: Nullable(Type.String()),
  /** What the registry served after the last successful push. */
  pushed: Nullable(PushedIndex),
});
export type ManifestList = Static<typeof ManifestList>;

export const CreateManifestRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512 }),
    /** Local images, one per platform. */
    images: Type.Array(ImageId, { minItems: 1, maxItems: 32 }),
  },
  { additionalProperties: false },
);
export type CreateManifestRequest = Static<typeof CreateManifestRequest>;

export const AddManifestEntryRequest = Type.Object(
  { image: ImageId },
  { additionalProperties: false },
);
export type AddManifestEntryRequest = Static<typeof AddManifestEntryRequest>;

export const ManifestParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{32}$' }) });
export const ManifestEntryParams = Type.Object({
  id: Type.String({ pattern: '^[a-f0-9]{32}$' }),
  imageId: Type.String({ pattern: '^[a-f0-9]{64}$' }),
});

/** A push of a list to its registry (POST /api/manifests/:id/push). */
export const PushJob = Type.Object({
  id: Type.String(),
  state: JobState,
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
  manifestId: Type.String(),
  /** The destination. */
  name: Type.String(),
  /** Images in the list, and how many podman has copied so far. */
  images: Type.Integer({ minimum: 0 }),
  copied: Type.Integer({ minimum: 0 }),
  /** podman's last lines ("Copying blob …"), at most 200. */
  output: Type.Array(Type.String()),
  pushed: Nullable(PushedIndex),
});
export type PushJob = Static<typeof PushJob>;

export const PushParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{32}$' }) });
