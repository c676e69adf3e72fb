/**
 * The registries the host configures, as the daemon's own registry requests see them: which
 * fully qualified name a reference stands for, which endpoints serve it and how to reach each
 * (insecure, certs.d, auth.json), logins checked against the registry and stored where podman
 * reads them, and what the Registries page lists. Every call reads the files afresh: they are
 * small, and users edit them while the daemon runs. Errors come out as AppErrors whose
 * messages say what went wrong where, and what to do.
 */
import type { FastifyBaseLogger } from 'fastify';
import type {
  PlatformParts,
  RegistriesView,
  RegistryLogin,
  RegistryLoginResult,
  RegistryView,
} from '@archdeck/shared';
import type { AuthFileRef } from '../config.js';
import { AppError, badRequest } from '../lib/errors.js';
import {
  checkRegistryHost,
  formatReference,
  ReferenceError,
  splitName,
  type ImageReference,
} from '../images/reference.js';
import {
  AUTH_FILE_HELPER,
  findRegistry,
  loadRegistriesConf,
  pullSources,
  RegistriesConfError,
  resolveName,
  ShortNameError,
  type PullSource,
  type RegistriesConf,
  type RegistriesConfPaths,
  type Resolution,
} from './config.js';
import {
  AuthFileError,
  findCredentials,
  listLogins,
  removeCredentials,
  storeCredentials,
  type Credentials,
} from './auth-file.js';
import { CertsError, loadHostCerts } from './certs.js';
import { readPlatformConfigs, type RemoteImageConfigs } from './platform-configs.js';
import {
  checkLogin,
  inspectRemote,
  listTags,
  platformManifest,
  readManifest,
  RegistryError,
  type PlatformManifest,
  type RegistryErrorKind,
  type RegistryOptions,
  type RemoteImage,
  type RemoteManifest,
  type RemoteTags,
} from './registry-client.js';

export interface RegistriesPaths extends RegistriesConfPaths {
  authFile: string;
  authFiles: AuthFileRef[];
  certsDirs: string[];
}

/** What a read takes from its caller: the request's signal, a deadline of its own. */
export interface ReadOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Where an answer was read: the name the endpoint serves, and whether that was a mirror. */
export interface ReadSource {
  reference: string;
  mirror: boolean;
}

/** An image found for a reference: the registry's answer under the name podman will use. */
export interface Inspection {
  /** `remote.reference` is the logical name (what the image is called once pulled). */
  remote: RemoteImage;
  resolution: Resolution;
  source: ReadSource;
}

/** A repository's tags under its logical name (`repository`), and where they were read. */
export interface Tags extends RemoteTags {
  source: ReadSource;
}

/** One read of one endpoint, as the registry client does it. */
type Read<T> = (ref: ImageReference, opts: RegistryOptions) => Promise<T>;

/** What a read found, for which candidate of the name, and from which source. */
interface Found<T> {
  value: T;
  /** The fully qualified name it is for: the reference, or the short name's candidate. */
  logical: ImageReference;
  resolution: Resolution;
  source: PullSource;
}

const STATUS: Record<RegistryErrorKind, number> = {
  not_found: 404,
  unauthorized: 401,
  blocked: 403,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  bad_response: 502,
  too_large: 502,
};

const toAppError = (kind: RegistryErrorKind, message: string) =>
  new AppError(STATUS[kind], `registry_${kind}`, message);

/** The host's own configuration is broken: ours to report, the user's to fix. */
function configError(err: unknown): never {
  if (err instanceof RegistriesConfError) {
    throw new AppError(
      500,
      'registries_conf_invalid',
      `${err.message}. podman refuses this configuration too; fix the file`,
    );
  }
  if (err instanceof AuthFileError) throw new AppError(500, 'auth_file_invalid', err.message);
  if (err instanceof CertsError) throw new AppError(500, 'certs_invalid', err.message);
  throw err;
}

interface Attempt {
  label: string;
  error: RegistryError;
}

export class Registries {
  /** Logins and logouts read, change and replace the file one at a time, or one is lost. */
  private authWrites: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly paths: RegistriesPaths,
    private readonly log: FastifyBaseLogger,
  ) {}

  async conf(): Promise<RegistriesConf> {
    return loadRegistriesConf(this.paths).catch(configError);
  }

  /**
   * What a reference stands for, without asking any registry: itself, its alias, or one
   * candidate per search registry. Bad input is a 400 that says what to write.
   */
  async resolve(input: string, conf?: RegistriesConf): Promise<Resolution> {
    const c = conf ?? (await this.conf());
    try {
      return resolveName(c, input.trim());
    } catch (err) {
      if (err instanceof ReferenceError)
        throw badRequest(`Invalid image reference: ${err.message}`);
      if (err instanceof ShortNameError) {
        throw new AppError(400, 'short_name_unresolved', err.message, {
          candidates: err.candidates,
        });
      }
      throw err;
    }
  }

  /**
   * The platforms of the image a reference stands for, read as podman would pull it: each
   * candidate in order, each through its mirrors then its location, the first that has it.
   */
  async inspect(input: string, opts: ReadOptions = {}): Promise<Inspection> {
    const found = await this.read(input, inspectRemote, opts);
    return {
      remote: { ...found.value, reference: formatReference(found.logical) },
      resolution: found.resolution,
      source: { reference: formatReference(found.source.ref), mirror: found.source.mirror },
    };
  }

  /**
   * The image manifest a pull of `ref` as `platform` gets (its config is not a layer), read
   * from where podman pulls it: the mirrors, then the location.
   */
  async platformManifest(
    ref: ImageReference,
    platform: PlatformParts,
    opts: ReadOptions = {},
  ): Promise<PlatformManifest> {
    const read: Read<PlatformManifest> = (at, o) => platformManifest(at, platform, o);
    return (await this.read(formatReference(ref), read, opts)).value;
  }

  /**
   * Each platform's image config, read from where podman would pull the reference, under the
   * name the image will have (as inspect names it).
   */
  async configs(input: string, opts: ReadOptions = {}): Promise<RemoteImageConfigs> {
    const found = await this.read(input, readPlatformConfigs, opts);
    const image = { ...found.value.image, reference: formatReference(found.logical) };
    return { ...found.value, image };
  }

  /** The manifest a reference names, as it is (an index is not followed). */
  async readManifest(reference: string, opts: ReadOptions = {}): Promise<RemoteManifest> {
    return (await this.read(reference, readManifest, opts)).value;
  }

  /**
   * A repository's tags, from the first source a pull by tag would use: a mirror that has the
   * repository answers for it (podman's `--list-tags` asks only the registry, which a host
   * that reaches it through a mirror cannot), so the tags listed are the tags a pull finds.
   */
  async tags(input: string, opts: ReadOptions = {}): Promise<Tags> {
    // The tag or digest is ignored, and with it the mirrors only digests may use.
    const found = await this.read(splitName(input.trim()).name, listTags, opts);
    const name = (r: ImageReference) => `${r.registry}/${r.repository}`;
    return {
      ...found.value,
      repository: name(found.logical),
      source: { reference: name(found.source.ref), mirror: found.source.mirror },
    };
  }

  /**
   * The one name to pull: the reference's only candidate, or the first candidate that a
   * registry has (what podman's pull would end up with). A blocked registry is refused here,
   * before podman is asked.
   */
  async choose(input: string, opts: ReadOptions = {}): Promise<ImageReference> {
    const conf = await this.conf();
    const resolution = await this.resolve(input, conf);
    if (resolution.candidates.length === 1) {
      const only = resolution.candidates[0]!;
      const blocked = this.blocked(conf, only);
      if (blocked) throw toAppError('blocked', blocked.message);
      return only;
    }
    return (await this.read(input, inspectRemote, opts)).logical;
  }

  /**
   * What `read` reads for a reference, from where podman would pull it: each candidate of a
   * short name in order, each through its mirrors then its location, with the TLS settings,
   * certs.d and auth.json login of the endpoint at hand; the first source that answers.
   */
  private async read<T>(input: string, read: Read<T>, opts: ReadOptions): Promise<Found<T>> {
    const conf = await this.conf();
    const resolution = await this.resolve(input, conf);
    const failures: Attempt[] = [];
    for (const candidate of resolution.candidates) {
      try {
        return { ...(await this.readCandidate(conf, candidate, read, opts)), resolution };
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
        if (resolution.candidates.length === 1) throw toAppError(err.kind, err.message);
        failures.push({ label: formatReference(candidate), error: err });
      }
    }
    const kinds = failures.map((f) => f.error.kind);
    const kind = kinds.every((k) => k === 'not_found')
      ? 'not_found'
      : kinds.find((k) => k !== 'not_found')!;
    throw toAppError(
      kind,
      `"${resolution.input}" is a short name for ${failures.length} candidates (unqualified-search-registries in ${resolution.source}), and none of them could be read:\n` +
        failures.map((f) => `• ${f.label}: ${f.error.message}`).join('\n'),
    );
  }

  private blocked(conf: RegistriesConf, ref: ImageReference): RegistryError | null {
    const table = findRegistry(conf, `${ref.registry}/${ref.repository}`);
    if (!table?.blocked) return null;
    return new RegistryError(
      'blocked',
      `${formatReference(ref)} is on a blocked registry: [[registry]] "${table.prefix}" in ${table.source} sets blocked = true, and podman refuses to pull from it too. Remove that setting to use it`,
    );
  }

  private async readCandidate<T>(
    conf: RegistriesConf,
    logical: ImageReference,
    read: Read<T>,
    opts: ReadOptions,
  ): Promise<Omit<Found<T>, 'resolution'>> {
    const blocked = this.blocked(conf, logical);
    if (blocked) throw blocked;
    let sources: PullSource[];
    try {
      sources = pullSources(conf, logical);
    } catch (err) {
      configError(err);
    }
    const failures: Attempt[] = [];
    for (const source of sources) {
      try {
        // The endpoint's own table decides whether it is blocked, as in podman.
        const endpointBlocked = this.blocked(conf, source.ref);
        if (endpointBlocked) throw endpointBlocked;
        const endpoint = await this.endpoint(conf, source.ref.registry, source, opts);
        return { value: await read(source.ref, endpoint), logical, source };
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
        if (opts.signal?.aborted) throw err;
        const where = source.mirror ? 'mirror' : 'location';
        failures.push({ label: `${where} ${formatReference(source.ref)}`, error: err });
      }
    }
    const primary = failures[failures.length - 1]!;
    if (failures.length === 1) throw primary.error;
    const table = findRegistry(conf, `${logical.registry}/${logical.repository}`)!;
    throw new RegistryError(
      primary.error.kind,
      `none of the ${failures.length} sources of ${formatReference(logical)} (mirrors first, as [[registry]] "${table.prefix}" in ${table.source} lists them) could be read:\n` +
        failures.map((f) => `• ${f.label}: ${f.error.message}`).join('\n'),
      primary.error.registryMessage,
    );
  }

  /** How to reach one host: its certs.d, and the credentials auth.json holds for the name. */
  private async endpoint(
    conf: RegistriesConf,
    registry: string,
    target: { ref?: ImageReference; insecure: boolean },
    { signal, timeoutMs }: ReadOptions,
  ): Promise<RegistryOptions> {
    const certs = await loadHostCerts(this.paths.certsDirs, registry).catch(configError);
    const opts: RegistryOptions = { insecure: target.insecure, certs, signal, timeoutMs };
    if (!target.ref) return opts;
    if (!conf.credentialHelpers.includes(AUTH_FILE_HELPER)) {
      return {
        ...opts,
        credentialsNote: `. registries.conf sets credential-helpers = [${conf.credentialHelpers.map((h) => `"${h}"`).join(', ')}], which archdeck does not run; add "${AUTH_FILE_HELPER}" to use logins stored in auth.json`,
      };
    }
    const lookup = await findCredentials(
      this.paths.authFiles,
      `${target.ref.registry}/${target.ref.repository}`,
    ).catch(configError);
    const { helper } = lookup;
    if (helper) {
      const named =
        helper.via === 'credHelpers'
          ? `names the credential helper "${helper.helper}" for ${registry}`
          : `keeps docker's logins in the credential store "${helper.helper}" (credsStore), which podman does not read either`;
      return {
        ...opts,
        credentialsNote: `. ${helper.file} ${named}, and archdeck runs no credential helper: log in on the Registries page to store the credentials in auth.json instead`,
      };
    }
    return { ...opts, credentials: lookup.credentials };
  }

  /**
   * Checks a login against the registry, then stores it in the auth file podman reads, as
   * `podman login` does. The password is neither returned nor logged.
   */
  async login(req: RegistryLogin, signal?: AbortSignal): Promise<RegistryLoginResult> {
    const registry = checkedRegistry(req.registry);
    if (req.username.includes(':')) {
      throw badRequest('A user name cannot contain ":": auth.json stores "user:password".');
    }
    const conf = await this.conf();
    const table = findRegistry(conf, registry);
    if (table?.blocked) {
      throw toAppError(
        'blocked',
        `${registry} is blocked: [[registry]] "${table.prefix}" in ${table.source} sets blocked = true. Remove that setting to log in to it`,
      );
    }
    const opts = await this.endpoint(
      conf,
      registry,
      { insecure: table?.insecure ?? false },
      { signal },
    );
    let checked: boolean;
    try {
      ({ checked } = await checkLogin(registry, {
        ...opts,
        credentials: { username: req.username, password: req.password },
      }));
    } catch (err) {
      if (err instanceof RegistryError) throw toAppError(err.kind, err.message);
      throw err;
    }
    try {
      await this.serialised(() =>
        storeCredentials(this.paths.authFile, registry, req.username, req.password),
      );
    } catch (err) {
      if (err instanceof AuthFileError) configError(err);
      throw writeError(this.paths.authFile, err);
    }
    this.log.info(
      { registry, username: req.username, authFile: this.paths.authFile, checked },
      'registry login stored',
    );
    return { registry, username: req.username, authFile: this.paths.authFile, checked };
  }

  /** Removes the login archdeck (or podman login) stored for a registry, as podman logout. */
  async logout(input: string): Promise<void> {
    const registry = checkedRegistry(input);
    let removed: boolean;
    try {
      removed = await this.serialised(() => removeCredentials(this.paths.authFile, registry));
    } catch (err) {
      if (err instanceof AuthFileError) configError(err);
      throw writeError(this.paths.authFile, err);
    }
    if (removed) {
      this.log.info({ registry, authFile: this.paths.authFile }, 'registry login removed');
      return;
    }
    const elsewhere = (await listLogins(this.paths.authFiles)).find((l) => l.key === registry);
    throw new AppError(
      404,
      'not_logged_in',
      elsewhere
        ? `${this.paths.authFile} holds no login for ${registry}; the one in use is in ${elsewhere.file}, which archdeck does not change: remove it there (podman logout --authfile ${elsewhere.file} ${registry}, or docker logout ${registry})`
        : `Not logged in to ${registry}: no auth file holds credentials for it.`,
    );
  }

  private serialised<T>(change: () => Promise<T>): Promise<T> {
    const done = this.authWrites.then(change);
    this.authWrites = done.catch(() => undefined);
    return done;
  }

  /** The Registries page: what registries.conf says, and who is logged in where. */
  async list(): Promise<RegistriesView> {
    const conf = await this.conf();
    const logins = await listLogins(this.paths.authFiles);
    const loginFor = (host: string): Credentials | undefined => logins.find((l) => l.key === host);
    const view = (
      prefix: string,
      table: RegistriesConf['registries'][number] | null,
      host: string | null,
    ): RegistryView => {
      const login = host ? loginFor(host) : undefined;
      return {
        prefix,
        location: table ? table.location : prefix,
        insecure: table?.insecure ?? false,
        blocked: table?.blocked ?? false,
        mirrorByDigestOnly: table?.mirrorByDigestOnly ?? false,
        mirrors: table?.mirrors ?? [],
        source: table?.source ?? null,
        login: login
          ? {
              username: login.username,
              file: login.file,
              removable: login.file === this.paths.authFile,
            }
          : null,
      };
    };
    const registries = conf.registries.map((t) =>
      view(t.prefix, t, t.prefix.startsWith('*.') ? null : t.prefix.split('/')[0]!),
    );
    const covered = new Set(registries.map((r) => r.prefix));
    for (const login of logins) {
      if (!covered.has(login.key)) registries.push(view(login.key, null, login.key));
    }
    return {
      registries,
      unqualifiedSearchRegistries: conf.unqualifiedSearchRegistries,
      searchSource: conf.searchSource,
      shortNameMode: conf.shortNameMode,
      aliases: conf.aliases.size,
      credentialHelpers: conf.credentialHelpers,
      files: conf.files,
      authFile: this.paths.authFile,
    };
  }
}

function checkedRegistry(input: string): string {
  const registry = input.trim();
  if (/^https?:\/\//.test(registry)) {
    throw badRequest(
      `Write the registry as host[:port], without "${registry.slice(0, registry.indexOf('//') + 2)}": e.g. "${registry.replace(/^https?:\/\//, '').split('/')[0]}".`,
    );
  }
  try {
    checkRegistryHost(registry);
  } catch (err) {
    if (err instanceof ReferenceError) throw badRequest(`Invalid registry: ${err.message}`);
    throw err;
  }
  return registry;
}

function writeError(path: string, err: unknown): AppError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied: run the daemon as the user whose auth file this is, or give --auth-file'
      : code === 'EROFS'
        ? 'the file system is read-only: give --auth-file on a writable one'
        : (err as Error).message;
  return new AppError(500, 'auth_file_unwritable', `Cannot write ${path}: ${why}.`, undefined, err);
}
