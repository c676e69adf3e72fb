import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

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
