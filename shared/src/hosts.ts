/**
 * Several podman hosts: this machine's, and others reached over SSH (a native arm64 server, a
 * ppc64le or s390x box). Each is a podman API service archdeck connects to; the local one is
 * always there, with the id `local`.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { PodmanHealth } from './host.js';

export const HostId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
export const HostParams = Type.Object({ id: HostId });

/**
 * `unconfirmed`: its SSH host key was read but not confirmed yet (nothing is sent to it until
 * then); `connecting`, `up`, `down` (with `error`: why, and it is retried with backoff).
 */
export const HostState = Type.Union([
  Type.Literal('unconfirmed'),
  Type.Literal('connecting'),
  Type.Literal('up'),
  Type.Literal('down'),
]);
export type HostState = Static<typeof HostState>;

export const Host = Type.Object({
  id: HostId,
  name: Type.String(),
  kind: Type.Union([Type.Literal('local'), Type.Literal('ssh')]),
  /** `ssh://user@host:port/path/to/podman.sock`, or the local socket. */
  url: Type.String(),
  state: HostState,
  /** The OCI architecture it runs natively, once known. */
  arch: Nullable(Type.String()),
  podman: PodmanHealth,
  /**
   * The SSH host key: the fingerprint it presented (`SHA256:…`, as `ssh-keygen -lf` prints it)
   * and whether the user confirmed it; null for the local host.
   */
  hostKey: Nullable(Type.Object({ fingerprint: Type.String(), confirmed: Type.Boolean() })),
  error: Nullable(Type.String()),
});
export type Host = Static<typeof Host>;

export const HostCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' }),
    /** ssh://user@host[:port]/path/to/podman.sock */
    url: Type.String({ minLength: 8, maxLength: 512, pattern: '^ssh://' }),
  },
  { additionalProperties: false },
);
export type HostCreate = Static<typeof HostCreate>;

export const HostConfirm = Type.Object(
  { fingerprint: Type.String({ minLength: 8, maxLength: 128 }) },
  { additionalProperties: false },
);
export type HostConfirm = Static<typeof HostConfirm>;

/** archdeck's own SSH key: what a remote host's authorized_keys must hold. */
export const HostsKey = Type.Object({
  publicKey: Type.String(),
  fingerprint: Type.String(),
  /** A ready line: only forwarding to podman's socket, no shell, no PTY. */
  authorizedKeysLine: Type.String(),
});
export type HostsKey = Static<typeof HostsKey>;

/** A host a platform could run on, as the run dialog offers it. */
export const PlacementOption = Type.Object({
  host: HostId,
  name: Type.String(),
  /** Runs the platform's instructions on its own CPU; false: through qemu on that host. */
  native: Type.Boolean(),
  /** Why it cannot take the run now (down, key not confirmed), or null when it can. */
  unavailable: Nullable(Type.String()),
});
export type PlacementOption = Static<typeof PlacementOption>;

/**
 * Where a run of one platform goes: a connected host where it is native, else emulation on
 * this machine. `options` are every host in the order they are preferred, for an override.
 */
export const Placement = Type.Object({
  platform: Type.String(),
  host: HostId,
  native: Type.Boolean(),
  /** One sentence saying why this host. */
  reason: Type.String(),
  options: Type.Array(PlacementOption),
});
export type Placement = Static<typeof Placement>;

export const PlacementQuery = Type.Object(
  {
    platform: Type.String({
      minLength: 3,
      maxLength: 64,
      pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$',
    }),
  },
  { additionalProperties: false },
);
export type PlacementQuery = Static<typeof PlacementQuery>;
