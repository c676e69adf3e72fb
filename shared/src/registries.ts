import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { RunBadge } from './images.js';

/** A `[[registry.mirror]]`: tried before the registry's own location, in this order. */
export const RegistryMirror = Type.Object({
  location: Type.String(),
  insecure: Type.Boolean(),
  /** Which pulls may use it: by tag, by digest, or both. */
  pullFromMirror: Type.Union([
    Type.Literal('all'),
    Type.Literal('digest-only'),
    Type.Literal('tag-only'),
  ]),
});
export type RegistryMirror = Static<typeof RegistryMirror>;

/** Credentials an auth file holds for a registry; never the password. */
export const RegistryLoginState = Type.Object({
  username: Type.String(),
  /** The auth file they are in. */
  file: Type.String(),
  /** In the file archdeck logs in to (--auth-file): a logout here removes them. */
  removable: Type.Boolean(),
});
export type RegistryLoginState = Static<typeof RegistryLoginState>;

/**
 * A `[[registry]]` table of registries.conf and its drop-ins (source null: a registry only an
 * auth file knows, logged in to, with no settings of its own).
 */
export const RegistryView = Type.Object({
  /** The names it governs: 'quay.io', 'example.com/team', '*.lan'. */
  prefix: Type.String(),
  /** Where those names are really pulled from; equal to the prefix unless rewritten. */
  location: Type.String(),
  insecure: Type.Boolean(),
  blocked: Type.Boolean(),
  mirrorByDigestOnly: Type.Boolean(),
  mirrors: Type.Array(RegistryMirror),
  /** The file that configures it. */
  source: Nullable(Type.String()),
  login: Nullable(RegistryLoginState),
});
export type RegistryView = Static<typeof RegistryView>;

export const ShortNameMode = Type.Union([
  Type.Literal('enforcing'),
  Type.Literal('permissive'),
  Type.Literal('disabled'),
]);

/** `GET /api/registries`: the registries as podman sees them, and the logins. */
export const RegistriesView = Type.Object({
  registries: Type.Array(RegistryView),
  /** Where a short name is looked for, in order, when it has no alias. */
  unqualifiedSearchRegistries: Type.Array(Type.String()),
  searchSource: Nullable(Type.String()),
  shortNameMode: ShortNameMode,
  /** How many short-name aliases are configured (shortnames.conf and the like). */
  aliases: Type.Number(),
  /** registries.conf's credential-helpers; "containers-auth.json" means the auth files. */
  credentialHelpers: Type.Array(Type.String()),
  /** The configuration files read, in the order they apply. */
  files: Type.Array(Type.String()),
  /** Where a login is stored. */
  authFile: Type.String(),
});
export type RegistriesView = Static<typeof RegistriesView>;

/** host[:port], as `podman login` takes it. */
const RegistryHost = Type.String({ minLength: 1, maxLength: 255 });

export const RegistryLogin = Type.Object(
  {
    registry: RegistryHost,
    username: Type.String({ minLength: 1, maxLength: 255 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type RegistryLogin = Static<typeof RegistryLogin>;

export const RegistryLoginResult = Type.Object({
  registry: Type.String(),
  username: Type.String(),
  /** The auth file the login was stored in. */
  authFile: Type.String(),
  /** False when the registry asked for no login, so the credentials could not be checked. */
  checked: Type.Boolean(),
});
export type RegistryLoginResult = Static<typeof RegistryLoginResult>;

export const RegistryLoginParams = Type.Object({ registry: RegistryHost });

// --- what the daemon reads from registries itself ----------------------------------------------

/** The name an endpoint serves (a mirror's, a rewritten location's) and whether it is a mirror. */
export const RegistrySource = Type.Object({ reference: Type.String(), mirror: Type.Boolean() });
export type RegistrySource = Static<typeof RegistrySource>;

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
  source: RegistrySource,
  mediaType: Type.String(),
  digest: Type.String(),
  multiArch: Type.Boolean(),
  platforms: Type.Array(RemotePlatform),
});
export type RemotePlatforms = Static<typeof RemotePlatforms>;

export const RemotePlatformsQuery = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 512 }),
});

/** A repository's tags as its registry lists them (`/v2/<name>/tags/list`, every page). */
export const RegistryTags = Type.Object({
  /** registry/repository, e.g. 127.0.0.1:5000/library/busybox; a short name's as resolved. */
  repository: Type.String(),
  /** Where the tags were read: a mirror, a rewritten location, or the registry itself. */
  source: RegistrySource,
  tags: Type.Array(Type.String()),
  /** The registry has more tags than archdeck reads (10,000). */
  truncated: Type.Boolean(),
});
export type RegistryTags = Static<typeof RegistryTags>;

export const RegistryTagsQuery = Type.Object({
  /** A repository, or a reference whose tag or digest is ignored. */
  ref: Type.String({ minLength: 1, maxLength: 512 }),
});

/**
 * One line of a per-platform config comparison: a field of the image config (an Env variable
 * or a label on a line of its own), its value on each platform, and whether they differ.
 */
export const ConfigRow = Type.Object({
  /** Entrypoint, Cmd, User, WorkingDir, Env, Labels, ExposedPorts, Volumes, StopSignal, os.version, variant, Created, Layers, Size. */
  field: Type.String(),
  /** The variable or label name, for Env and Labels; null for the others. */
  key: Nullable(Type.String()),
  /**
   * One per platform, in the order of `platforms`; null where that platform has none. Layers
   * is a count, Size the bytes of its compressed layers; Entrypoint and Cmd are JSON arrays.
   */
  values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Null()])),
  differs: Type.Boolean(),
});
export type ConfigRow = Static<typeof ConfigRow>;

/** GET /api/registries/configs: the image configs of a reference's platforms, side by side. */
export const PlatformConfigs = Type.Object({
  reference: Type.String(),
  digest: Type.String(),
  multiArch: Type.Boolean(),
  platforms: Type.Array(
    Type.Object({ platform: Type.String(), digest: Type.String(), ...RunBadge.properties }),
  ),
  rows: Type.Array(ConfigRow),
  /** How many rows differ. */
  differences: Type.Integer({ minimum: 0 }),
  /** Platforms the index lists beyond those read. */
  skipped: Type.Integer({ minimum: 0 }),
});
export type PlatformConfigs = Static<typeof PlatformConfigs>;
