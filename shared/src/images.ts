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

/** Everything `skopeo inspect containers-storage:<ref>` shows, plus the run config. */
export const ImageDetail = Type.Object({
  ...ImageSummary.properties,
  name: Nullable(Type.String()),
  digest: Nullable(Type.String()),
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

export const RemotePlatform = Type.Object({
  platform: Type.String(),
  os: Type.String(),
  architecture: Type.String(),
  variant: Nullable(Type.String()),
  digest: Type.String(),
  size: Type.Number(),
  ...RunBadge.properties,
});
export type RemotePlatform = Static<typeof RemotePlatform>;

/** How a short name became the name looked up, as podman resolves it. */
export const NameResolution = Type.Object({
  /** What was typed: 'ubuntu:24.04'. */
  input: Type.String(),
  /** alias: an [aliases] entry; search: the first unqualified-search registry that had it. */
  rationale: Type.Union([Type.Literal('alias'), Type.Literal('search')]),
  /** The file with the alias, or the one that set unqualified-search-registries. */
  source: Nullable(Type.String()),
  /** Every name it could stand for, in the order they are tried. */
  candidates: Type.Array(Type.String()),
});
export type NameResolution = Static<typeof NameResolution>;

export const RemotePlatforms = Type.Object({
  /** The fully qualified name, as podman names the image: 'docker.io/library/ubuntu:latest'. */
  reference: Type.String(),
  /** Null when the reference named its registry itself. */
  resolution: Nullable(NameResolution),
  /** Where the manifest was read: a mirror, a rewritten location, or the registry itself. */
  source: Type.Object({ reference: Type.String(), mirror: Type.Boolean() }),
  mediaType: Type.String(),
  digest: Type.String(),
  multiArch: Type.Boolean(),
  platforms: Type.Array(RemotePlatform),
});
export type RemotePlatforms = Static<typeof RemotePlatforms>;

export const RemotePlatformsQuery = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 512 }),
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
