/**
 * Builds: a Containerfile built for one or more platforms, one podman build per platform,
 * each a part of one daemon job (POST /api/builds, the context as a tar body).
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { JobState } from './jobs.js';

/** Whether a platform's RUN steps can run here, and how. */
export const BuildRun = Type.Union([
  Type.Literal('native'),
  Type.Literal('emulated'),
  Type.Literal('unavailable'),
]);
export type BuildRun = Static<typeof BuildRun>;

/** What building for one platform would do on this host (GET /api/builds/platforms). */
export const BuildPlatformPlan = Type.Object({
  platform: Type.String(),
  run: BuildRun,
  /** The binfmt_misc handler that runs its RUN steps, e.g. qemu-aarch64. */
  emulatedBy: Nullable(Type.String()),
  /** One sentence: what will happen, or why it cannot and the fix. */
  reason: Type.String(),
});
export type BuildPlatformPlan = Static<typeof BuildPlatformPlan>;

/**
 * The options of POST /api/builds, in its query string; the body is the build context, a tar
 * archive (gzip allowed) sent as application/x-tar.
 */
export const BuildQuery = Type.Object(
  {
    /** The image's name, e.g. `localhost/app:1` (a name without a registry is `localhost/…`). */
    tag: Type.String({ minLength: 1, maxLength: 300 }),
    /** One or more platforms, comma-separated: `linux/amd64,linux/arm64`. */
    platforms: Type.String({
      minLength: 3,
      maxLength: 600,
      pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?(,[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?)*$',
    }),
    /** The Containerfile's path inside the context; default `Containerfile`, then `Dockerfile`. */
    file: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** Build arguments as a JSON object of strings, e.g. `{"VERSION":"1.2"}`. */
    buildArgs: Type.Optional(Type.String({ maxLength: 16_384 })),
    /** The stage to build, for a multi-stage Containerfile. */
    target: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' })),
    /**
     * `missing` (the default) pulls a base image only when it is not local for the platform;
     * `always` asks the registry every time. podman's compat build knows no other policy.
     */
    pull: Type.Optional(Type.Union([Type.Literal('missing'), Type.Literal('always')])),
    /** Build every step again instead of reusing layers. */
    noCache: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type BuildQuery = Static<typeof BuildQuery>;

/** One platform of a build: its own podman build, output and image. */
export const BuildPlatform = Type.Object({
  platform: Type.String(),
  state: JobState,
  run: BuildRun,
  emulatedBy: Nullable(Type.String()),
  /** The tags it gets: the arch tag `<tag>-<arch>[-<variant>]`, and `<tag>` for a single platform. */
  tags: Type.Array(Type.String()),
  /** The step podman is at (its last `STEP n/m: …` line). */
  step: Nullable(Type.String()),
  /** Output lines so far (the stream keeps the last 5,000). */
  lines: Type.Integer({ minimum: 0 }),
  imageId: Nullable(Type.String()),
  error: Nullable(Type.String()),
});
export type BuildPlatform = Static<typeof BuildPlatform>;

export const BuildJob = Type.Object({
  id: Type.String(),
  state: JobState,
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
  /** The name asked for, as podman writes it (`localhost/app:1`). */
  tag: Type.String(),
  /** The Containerfile used, inside the context. */
  file: Type.String(),
  target: Nullable(Type.String()),
  pull: Type.Union([Type.Literal('missing'), Type.Literal('always')]),
  noCache: Type.Boolean(),
  /** Why the layer cache is off although it was not asked to be, or null. */
  cacheOff: Nullable(Type.String()),
  platforms: Type.Array(BuildPlatform),
});
export type BuildJob = Static<typeof BuildJob>;

/**
 * `event: output` of GET /api/builds/:id/events: lines of one platform's build, in order. A
 * client that connects (or reconnects) late gets the kept lines first; `from` numbers the first
 * line (from 0), so lines seen twice are known and a gap is older lines no longer kept.
 */
export const BuildOutput = Type.Object({
  platform: Type.String(),
  from: Type.Integer({ minimum: 0 }),
  lines: Type.Array(Type.String()),
});
export type BuildOutput = Static<typeof BuildOutput>;

export const BuildParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{32}$' }) });
