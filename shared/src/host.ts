import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

/**
 * A fix the daemon can apply itself, offered as a button beside the problem: `mount-binfmt`
 * (POST /api/emulators/mount), `register-emulators` (POST /api/emulators/register-all).
 */
export const ProblemAction = Type.Union([
  Type.Literal('mount-binfmt'),
  Type.Literal('register-emulators'),
]);
export type ProblemAction = Static<typeof ProblemAction>;

/** A condition the user should know about, with the command or step that fixes it. */
export const Problem = Type.Object({
  id: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  fix: Type.String(),
  action: Type.Optional(ProblemAction),
});
export type Problem = Static<typeof Problem>;

/** A setting the daemon applied to the podman service it manages, and why. */
export const PodmanAdjustment = Type.Object({
  setting: Type.String(),
  reason: Type.String(),
});
export type PodmanAdjustment = Static<typeof PodmanAdjustment>;

export const HostInfo = Type.Object({
  /** OCI architecture name: amd64, arm64, ppc64le, s390x, ... */
  arch: Type.String(),
  /** The kernel's name for it (`uname -m`): x86_64, aarch64, ... */
  machine: Type.String(),
  kernel: Type.String(),
  hostname: Type.String(),
});
export type HostInfo = Static<typeof HostInfo>;

export const BinfmtHealth = Type.Object({
  root: Type.String(),
  mounted: Type.Boolean(),
  /** The global switch (`status` file); null when not mounted or unreadable. */
  enabled: Nullable(Type.Boolean()),
  entries: Type.Integer({ minimum: 0 }),
  /**
   * qemu-user interpreters installed on the host; looked for only while no handler is
   * registered (null otherwise), to tell "register them" from "install qemu first".
   */
  interpreters: Nullable(Type.Integer({ minimum: 0 })),
});
export type BinfmtHealth = Static<typeof BinfmtHealth>;

export const PodmanHealth = Type.Object({
  reachable: Type.Boolean(),
  socket: Type.String(),
  /**
   * `managed`: a `podman system service` child the daemon started; `external`: one it found;
   * `ssh`: another machine's, over SSH.
   */
  mode: Type.Union([
    Type.Literal('managed'),
    Type.Literal('external'),
    Type.Literal('ssh'),
    Type.Literal('none'),
  ]),
  version: Nullable(Type.String()),
  apiVersion: Nullable(Type.String()),
  /** The OCI architecture podman runs on (its Go runtime's), e.g. arm64 for a remote host. */
  arch: Nullable(Type.String()),
  ociRuntime: Nullable(Type.String()),
  cgroupVersion: Nullable(Type.String()),
  rootless: Nullable(Type.Boolean()),
  adjustments: Type.Array(PodmanAdjustment),
  error: Nullable(Type.String()),
});
export type PodmanHealth = Static<typeof PodmanHealth>;

/**
 * Whether podman can start a container here at all, proved by running one: the daemon's tiny
 * native probe, FROM scratch, in an image it builds itself (no registry), after every
 * (re)connect to podman. `checking` while it runs; `unknown` while podman is unreachable.
 */
export const ContainerCheck = Type.Object({
  canStart: Type.Union([
    Type.Literal('yes'),
    Type.Literal('no'),
    Type.Literal('checking'),
    Type.Literal('unknown'),
  ]),
  /** podman's (or the runtime's) own words when it could not. */
  error: Nullable(Type.String()),
  /** What makes it work, when it did not. */
  fix: Nullable(Type.String()),
  checkedAt: Nullable(Type.String()),
});
export type ContainerCheck = Static<typeof ContainerCheck>;

export const Health = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  host: HostInfo,
  binfmt: BinfmtHealth,
  podman: PodmanHealth,
  containers: ContainerCheck,
  problems: Type.Array(Problem),
});
export type Health = Static<typeof Health>;

/** What `/api/health` answers without a credential: liveness, nothing about the host. */
export const PublicHealth = Type.Object({ ok: Type.Boolean() });
export type PublicHealth = Static<typeof PublicHealth>;
