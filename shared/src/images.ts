import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { JobState } from './jobs.js';

/** Whether this host can run an image of a platform: natively, through a handler, or not. */
export const RunBadge = Type.Object({
  run: Type.Union([Type.Literal('native'), Type.Literal('emulated'), Type.Literal('unavailable')]),
  /** The binfmt_misc handler that would run it, e.g. qemu-aarch64. */
  emulatedBy: Nullable(Type.String()),
});
export type RunBadge = Static<typeof RunBadge>;

export const ImageSummary = Type.Object({
  id: Type.String(),
  shortId: Type.String(),
  repoTags: Type.Array(Type.String()),
  repoDigests: Type.Array(Type.String()),
  architecture: Type.String(),
  os: Type.String(),
  variant: Nullable(Type.String()),
  /** os/arch[/variant] */
  platform: Type.String(),
  size: Type.Number(),
  created: Type.String(),
  badge: RunBadge,
  /** Set when the image was pulled for one platform but its config claims another. */
  archMismatch: Nullable(Type.Object({ requested: Type.String(), actual: Type.String() })),
});
export type ImageSummary = Static<typeof ImageSummary>;

export const ImageHistoryEntry = Type.Object({
  created: Nullable(Type.String()),
  createdBy: Type.String(),
  comment: Type.String(),
  emptyLayer: Type.Boolean(),
});

/**
 * The digests that pin an image, told apart: podman's RepoDigests lists the index an image was
 * pulled through and its platform manifest side by side, without saying which is which.
 */
export const ImageDigests = Type.Object({
  /** The platform manifest's digest: pins this one platform's image. */
  platform: Nullable(Type.String()),
  /** Why the platform digest is not known, when it is null: a sentence for the user. */
  platformUnknown: Nullable(Type.String()),
  /**
   * The indexes (manifest lists) the image was pulled through, each confirmed to list the
   * platform digest: each pins every platform of its reference. Usually one.
   */
  indexes: Type.Array(Type.String()),
  /** Where the indexes were confirmed: the copy podman keeps of each, or the registry. */
  indexSource: Nullable(Type.Union([Type.Literal('store'), Type.Literal('registry')])),
  /** Why no index is known, when `indexes` is empty: a sentence for the user. */
  indexUnknown: Nullable(Type.String()),
});
export type ImageDigests = Static<typeof ImageDigests>;

/** Everything `skopeo inspect containers-storage:<ref>` shows, plus the run config. */
export const ImageDetail = Type.Object({
  ...ImageSummary.properties,
  name: Nullable(Type.String()),
  digests: ImageDigests,
  dockerVersion: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  layers: Type.Array(Type.String()),
  env: Type.Array(Type.String()),
  entrypoint: Nullable(Type.Array(Type.String())),
  cmd: Nullable(Type.Array(Type.String())),
  workingDir: Type.String(),
  user: Type.String(),
  history: Type.Array(ImageHistoryEntry),
});
export type ImageDetail = Static<typeof ImageDetail>;

export const ImageParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[a-f0-9]{1,64}$|^sha256:[a-f0-9]{64}$',
  }),
});

export const PullRequest = Type.Object(
  {
    ref: Type.String({ minLength: 1, maxLength: 512 }),
    platform: Type.String({ minLength: 3, maxLength: 64 }),
    /**
     * `always` (the default) asks the registry, as `podman pull` does; `missing` answers 200
     * with a finished job at once when the image is local for that platform (`--pull=missing`),
     * and pulls (202) only otherwise.
     */
    policy: Type.Optional(Type.Union([Type.Literal('always'), Type.Literal('missing')])),
  },
  { additionalProperties: false },
);
export type PullRequest = Static<typeof PullRequest>;

export const PullLayer = Type.Object({
  id: Type.String(),
  status: Type.String(),
  current: Type.Number(),
  total: Nullable(Type.Number()),
});
export type PullLayer = Static<typeof PullLayer>;

export const PullJob = Type.Object({
  id: Type.String(),
  ref: Type.String(),
  platform: Type.String(),
  state: JobState,
  layers: Type.Array(PullLayer),
  /** Bytes done and expected over all layers whose size is known. */
  current: Type.Number(),
  total: Type.Number(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
  imageId: Nullable(Type.String()),
  /** The arch-qualified tag archdeck keeps for this platform, e.g. busybox:1.36-arm64. */
  archTag: Nullable(Type.String()),
});
export type PullJob = Static<typeof PullJob>;

export const PullParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) });
