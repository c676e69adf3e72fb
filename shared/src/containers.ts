import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { PullJob, RunBadge } from './images.js';
import { JobState } from './jobs.js';

export const ContainerState = Type.Union([
  Type.Literal('created'),
  Type.Literal('running'),
  Type.Literal('paused'),
  Type.Literal('restarting'),
  Type.Literal('exited'),
  Type.Literal('stopping'),
  Type.Literal('removing'),
  Type.Literal('unknown'),
]);
export type ContainerState = Static<typeof ContainerState>;

/** A plain-language explanation of a failed container, with the fix. */
export const Diagnosis = Type.Object({
  kind: Type.Union([
    Type.Literal('binfmt-off'),
    Type.Literal('no-handler'),
    Type.Literal('handler-without-f'),
    Type.Literal('missing-loader'),
    Type.Literal('cpu-level'),
    Type.Literal('qemu-crash'),
    Type.Literal('arch-mismatch'),
    Type.Literal('stop-timeout'),
  ]),
  title: Type.String(),
  cause: Type.String(),
  fix: Type.String(),
  /** Where in the UI the fix is made, e.g. /emulators. */
  link: Type.Optional(Type.String()),
});
export type Diagnosis = Static<typeof Diagnosis>;

/** Podman's and Docker's own default. */
export const DEFAULT_STOP_TIMEOUT = 10;
export const MAX_STOP_TIMEOUT = 600;
/** Seconds podman waits, after SIGTERM, for the process to exit before it sends SIGKILL. */
export const StopTimeout = Type.Integer({ minimum: 0, maximum: MAX_STOP_TIMEOUT });

/**
 * How a stop asked for through archdeck ended this run of the container: `killed` when the
 * process did not exit on SIGTERM within `timeout` seconds, so podman sent SIGKILL (exit code
 * 137); otherwise it exited on SIGTERM. Kept by the daemon while it runs, for the run it ended.
 */
export const StopOutcome = Type.Object({ timeout: StopTimeout, killed: Type.Boolean() });
export type StopOutcome = Static<typeof StopOutcome>;

export const ContainerSummary = Type.Object({
  id: Type.String(),
  shortId: Type.String(),
  name: Type.String(),
  image: Type.String(),
  imageId: Type.String(),
  /** os/arch[/variant] of the container's image. */
  platform: Type.String(),
  badge: RunBadge,
  /** The emulated CPU model it was run with (its QEMU_CPU); null: qemu's default, or native. */
  cpu: Nullable(Type.Object({ value: Type.String(), title: Type.String() })),
  state: ContainerState,
  /** podman's human status, e.g. "Exited (0) 3 seconds ago". */
  status: Type.String(),
  exitCode: Nullable(Type.Integer()),
  created: Type.String(),
  tty: Type.Boolean(),
  command: Type.Array(Type.String()),
  /** Set when the container exited because archdeck stopped it; null otherwise. */
  stop: Nullable(StopOutcome),
  /** Why it failed and how to fix it; only for a failed container, and only from GET /api/containers/:id. */
  diagnosis: Nullable(Diagnosis),
});
export type ContainerSummary = Static<typeof ContainerSummary>;

export const ContainerId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
});
export const ContainerParams = Type.Object({ id: ContainerId });

export const ContainerAction = Type.Union([
  Type.Literal('start'),
  Type.Literal('stop'),
  Type.Literal('restart'),
  Type.Literal('kill'),
]);
export type ContainerAction = Static<typeof ContainerAction>;
export const ContainerActionParams = Type.Object({ id: ContainerId, action: ContainerAction });
/** `timeout` is the stop's (StopTimeout); the other actions take none. */
export const ContainerActionQuery = Type.Object(
  { timeout: Type.Optional(StopTimeout) },
  { additionalProperties: false },
);
export type ContainerActionQuery = Static<typeof ContainerActionQuery>;

/**
 * A command as the argument vector a process gets. An argument cannot hold a NUL byte (exec
 * takes C strings): refused here, before anything is created, rather than by runc after the
 * container exists.
 */
export const Argv = Type.Array(Type.String({ maxLength: 4096, pattern: '^[^\\u0000]*$' }), {
  maxItems: 256,
});

/**
 * What a run may ask for: our own fields only. Nothing privileged (no privileged mode, mounts,
 * host namespaces, devices or capabilities) can be expressed; unknown fields are a 400.
 */
export const RunRequest = Type.Object(
  {
    image: Type.String({ minLength: 1, maxLength: 512 }),
    platform: Type.String({ minLength: 3, maxLength: 64 }),
    cmd: Type.Optional(Argv),
    env: Type.Optional(
      Type.Array(
        Type.String({ maxLength: 8192, pattern: '^[A-Za-z_][A-Za-z0-9_]*=[^\\u0000]*$' }),
        { maxItems: 128 },
      ),
    ),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$' }),
    ),
    tty: Type.Optional(Type.Boolean()),
    autoRemove: Type.Optional(Type.Boolean()),
    /**
     * The emulated CPU model (qemu's QEMU_CPU), one of GET /api/emulators/:arch/cpus; left out,
     * qemu's default. Only for a platform this host emulates: a native run refuses one.
     */
    cpu: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_.,=+-]*$' }),
    ),
  },
  { additionalProperties: false },
);
export type RunRequest = Static<typeof RunRequest>;

/**
 * A run whose image had to be pulled first (POST /api/containers answered 202): a daemon job
 * that follows the pull, then creates and starts the container. A closed tab does not stop it;
 * DELETE /api/launches/:id does (and the pull, when this launch started it).
 */
export const LaunchJob = Type.Object({
  id: Type.String(),
  state: JobState,
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  /** Why it did not start the container: the pull's error, or the run's. */
  error: Nullable(Type.String()),
  /** What was asked, as it was asked: enough to retry it. */
  request: RunRequest,
  /** The platform it runs as, normalized (linux/aarch64 → linux/arm64). */
  platform: Type.String(),
  /** The pull it waits for, with its progress, as GET /api/pulls/:id would show it. */
  pull: PullJob,
  /** The container, once created: `succeeded` means it started too; `failed` with an id, that it was created but did not start (its page says why). */
  containerId: Nullable(Type.String()),
});
export type LaunchJob = Static<typeof LaunchJob>;
export const LaunchParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{32}$' }) });

export const LogsQuery = Type.Object({
  follow: Type.Optional(Type.Boolean()),
  tail: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  since: Type.Optional(Type.Integer({ minimum: 0 })),
  timestamps: Type.Optional(Type.Boolean()),
});
export type LogsQuery = Static<typeof LogsQuery>;

/** One log line; `s` is the stream (stdout or stderr; a TTY has only stdout). */
export const LogLine = Type.Object({
  s: Type.Union([Type.Literal('out'), Type.Literal('err')]),
  t: Type.String(),
});
export type LogLine = Static<typeof LogLine>;

/**
 * SSE on GET /api/containers/:id/logs:
 * - `lines` {lines: LogLine[]}: a batch;
 * - `end` {exitCode, running}: the container stopped (or, without follow, the history is
 *   complete); then the server closes the stream;
 * - `failed` ApiError: the stream broke (podman went away, a malformed frame).
 * A slow client is not dropped from: the daemon stops reading podman until the socket drains.
 */
export const LogBatch = Type.Object({ lines: Type.Array(LogLine) });
export type LogBatch = Static<typeof LogBatch>;
export const LogEnd = Type.Object({ exitCode: Nullable(Type.Integer()), running: Type.Boolean() });
export type LogEnd = Static<typeof LogEnd>;
