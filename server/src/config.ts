/**
 * The daemon's configuration: flags, their environment equivalents and defaults, validated
 * once at start. This is the only file that reads `process.env` or `process.argv`.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './data-dir.js';
import { loadPresetsFile, type PresetDef } from './presets/definitions.js';

export interface Config {
  host: string;
  port: number;
  /** Explicit podman API socket; when null the daemon discovers or starts one. */
  podmanSocket: string | null;
  binfmtRoot: string;
  /** Where handlers are persisted (systemd-binfmt format), the first directory is ours to write. */
  binfmtConfDirs: string[];
  dataDir: string;
  /**
   * The presets a first start seeds <data-dir>/presets.json with: from --presets, else the
   * built-in list. After that the data dir's list is the one shown and edited.
   */
  presets: PresetDef[];
  /** The --presets file, when one was given. */
  presetsFile: string | null;
  /**
   * Registries as podman configures them (server/src/registries): registries.conf, then the
   * drop-in directories read after it, in order (containers-registries.conf.d(5)).
   */
  registriesConf: string;
  registriesConfDirs: string[];
  /** The short-name aliases podman records, which win over registries.conf's own. */
  shortNameAliasesConf: string;
  /** Where a login is stored: the auth.json the podman service reads first. */
  authFile: string;
  /** Every file credentials are read from, in order (containers-auth.json(5)). */
  authFiles: AuthFileRef[];
  /** certs.d directories in order: the first with a <host:port> directory serves that host. */
  certsDirs: string[];
  /** The built UI (web/dist). */
  webDir: string;
  /** The smoke-test probes, probe-<arch>: the ones committed in server/probes/bin by default. */
  probesDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** human: one readable line per event (a terminal); json: one JSON object per line. */
  logFormat: 'human' | 'json';
  /** Where to look for podman's API socket when none is given, in order. */
  podmanCandidates: string[];
  isRoot: boolean;
  /** $PATH, where the daemon looks for podman and runc. */
  pathEnv: string;
  /** The environment children (the managed podman service) inherit. */
  childEnv: NodeJS.ProcessEnv;
}

/** `legacy`: the old ~/.dockercfg format, whose top level is the `auths` map itself. */
export interface AuthFileRef {
  path: string;
  legacy: boolean;
}

export class ConfigError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const USAGE = `Usage: archdeck [options]

  --port <n>             TCP port (env ARCHDECK_PORT, default 8420)
  --host <addr>          loopback address to bind: 127.0.0.1, ::1 or localhost
                         (env ARCHDECK_HOST, default 127.0.0.1)
  --podman-socket <path> podman API socket, path or unix:// URL (env ARCHDECK_PODMAN_SOCKET;
                         default: $CONTAINER_HOST, $DOCKER_HOST, the rootful or rootless
                         socket, else a podman service the daemon starts itself)
  --binfmt-root <dir>    binfmt_misc mount point (env ARCHDECK_BINFMT_ROOT,
                         default /proc/sys/fs/binfmt_misc)
  --binfmt-d <dir>       where to persist handlers for boot (env ARCHDECK_BINFMT_D,
                         default /etc/binfmt.d)
  --data-dir <dir>       token and state (env ARCHDECK_DATA_DIR, default /var/lib/archdeck
                         as root, $XDG_STATE_HOME/archdeck otherwise)
  --registries-conf <f>  registries.conf: insecure, blocked, mirrored and rewritten registries,
                         short names (env CONTAINERS_REGISTRIES_CONF, default
                         $HOME/.config/containers/registries.conf if it exists, else
                         /etc/containers/registries.conf, as podman reads it)
  --registries-conf-d <dir>
                         the only drop-in directory to read after it (env
                         ARCHDECK_REGISTRIES_CONF_D; default /etc/containers/registries.conf.d
                         then $HOME/.config/containers/registries.conf.d, as podman reads them)
  --auth-file <file>     where a login is stored, the auth.json the podman service reads (env
                         ARCHDECK_AUTH_FILE, default $XDG_RUNTIME_DIR/containers/auth.json, else
                         /run/containers/<uid>/auth.json); credentials are also read from
                         $REGISTRY_AUTH_FILE, $HOME/.config/containers/auth.json and
                         $HOME/.docker/config.json
  --certs-d <dir>        the only certs.d directory (<host:port>/*.crt, *.cert, *.key) to read
                         (env ARCHDECK_CERTS_D; default $HOME/.config/containers/certs.d,
                         /etc/containers/certs.d, /etc/docker/certs.d, as podman reads them)
  --presets <file>       JSON list of presets the first start begins with (env
                         ARCHDECK_PRESETS; default a built-in list); then they are
                         kept, and edited, in <data-dir>/presets.json
  --web-dir <dir>        the built UI (env ARCHDECK_WEB_DIR, default web/dist of this checkout)
  --probes-dir <dir>     smoke-test probes, probe-<arch> (env ARCHDECK_PROBES_DIR, default
                         server/probes/bin of this checkout, which ships them)
  --log-level <level>    ${LOG_LEVELS.join(', ')} (env ARCHDECK_LOG_LEVEL, default info)
  --log-format <format>  human or json (env ARCHDECK_LOG_FORMAT; default human when standard
                         output is a terminal, json otherwise)
  -h, --help             show this help
`;

type Flags = Partial<
  Record<'registries-conf' | 'registries-conf-d' | 'auth-file' | 'certs-d', string>
>;

/**
 * Where podman 4 (containers/image 5.23) reads registry configuration, credentials and
 * certificates, so that the daemon's own registry requests see what podman's pulls see. Its
 * per-user paths under $HOME apply to root too: podman reads them whatever the uid.
 */
function registryPaths(
  v: Flags,
  env: NodeJS.ProcessEnv,
  uid: number,
  home: string,
  absolute: (flag: string, value: string) => string,
): Pick<
  Config,
  | 'registriesConf'
  | 'registriesConfDirs'
  | 'shortNameAliasesConf'
  | 'authFile'
  | 'authFiles'
  | 'certsDirs'
> {
  const userConf = join(home, '.config/containers/registries.conf');
  const userDir = join(home, '.config/containers/registries.conf.d');
  const explicitConf = v['registries-conf'] ?? env.CONTAINERS_REGISTRIES_CONF;
  const explicitDir = v['registries-conf-d'] ?? env.ARCHDECK_REGISTRIES_CONF_D;
  // An explicit registries.conf still gets the default drop-ins; a per-user one that exists
  // replaces the system file, and then only the per-user drop-ins are read.
  const userConfWins = explicitConf === undefined && existsSync(userConf);
  const registriesConf = absolute(
    '--registries-conf',
    explicitConf ?? (userConfWins ? userConf : '/etc/containers/registries.conf'),
  );
  const registriesConfDirs =
    explicitDir !== undefined
      ? [absolute('--registries-conf-d', explicitDir)]
      : userConfWins
        ? [userDir]
        : ['/etc/containers/registries.conf.d', userDir];

  // HACK: the podman API service ignores $REGISTRY_AUTH_FILE, which only the CLI reads as its
  // --authfile default (https://github.com/containers/podman/issues/3730): traced on Debian's
  // podman 4.3.1, a compat-API pull opens $XDG_RUNTIME_DIR/containers/auth.json (else
  // /run/containers/<uid>/auth.json), then ~/.config/containers/auth.json, ~/.docker/config.json.
  const serviceAuthFile = env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'containers/auth.json')
    : `/run/containers/${uid}/auth.json`;
  const authFile = absolute(
    '--auth-file',
    v['auth-file'] ?? env.ARCHDECK_AUTH_FILE ?? serviceAuthFile,
  );
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const authPaths = [
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    authFile,
    join(configHome, 'containers/auth.json'),
    env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker/config.json'),
  ];
  const authFiles: AuthFileRef[] = [
    ...[...new Set(authPaths)].map((path) => ({ path, legacy: false })),
    { path: join(home, '.dockercfg'), legacy: true },
  ];

  const explicitCerts = v['certs-d'] ?? env.ARCHDECK_CERTS_D;
  const certsDirs =
    explicitCerts !== undefined
      ? [absolute('--certs-d', explicitCerts)]
      : [
          join(home, '.config/containers/certs.d'),
          '/etc/containers/certs.d',
          '/etc/docker/certs.d',
        ];

  const cacheHome = env.XDG_CACHE_HOME || join(home, '.cache');
  return {
    registriesConf,
    registriesConfDirs,
    shortNameAliasesConf:
      uid === 0
        ? '/var/cache/containers/short-name-aliases.conf'
        : join(cacheHome, 'containers/short-name-aliases.conf'),
    authFile,
    authFiles,
    certsDirs,
  };
}

/** Turns `unix:///run/x.sock` or `/run/x.sock` into a path; anything else is not usable. */
export function unixSocketPath(value: string): string | null {
  if (value.startsWith('unix://')) return value.slice('unix://'.length) || null;
  if (isAbsolute(value)) return value;
  return null;
}

export function loadConfig(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  uid: number = process.getuid?.() ?? 1000,
  terminal: boolean = process.stdout.isTTY === true,
): Config | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'podman-socket': { type: 'string' },
        'binfmt-root': { type: 'string' },
        'binfmt-d': { type: 'string' },
        'data-dir': { type: 'string' },
        'web-dir': { type: 'string' },
        'probes-dir': { type: 'string' },
        'registries-conf': { type: 'string' },
        'registries-conf-d': { type: 'string' },
        'auth-file': { type: 'string' },
        'certs-d': { type: 'string' },
        presets: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';

  const portText = v.port ?? env.ARCHDECK_PORT ?? '8420';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new ConfigError(`--port must be a number from 0 to 65535, got "${portText}"`);
  }

  const host = v.host ?? env.ARCHDECK_HOST ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new ConfigError(
      `--host must be a loopback address (127.0.0.1, ::1 or localhost), got "${host}": ` +
        'the daemon controls containers as root and must not be reachable from the network',
    );
  }

  const isRoot = uid === 0;
  const home = env.HOME || homedir();
  const absolute = (flag: string, value: string) => {
    if (!isAbsolute(value))
      throw new ConfigError(`${flag} must be an absolute path, got "${value}"`);
    if (/[\0\n]/.test(value)) throw new ConfigError(`${flag} contains a control character`);
    return value;
  };

  let podmanSocket: string | null = null;
  const socketText = v['podman-socket'] ?? env.ARCHDECK_PODMAN_SOCKET;
  if (socketText !== undefined) {
    podmanSocket = unixSocketPath(socketText);
    if (!podmanSocket) {
      throw new ConfigError(
        `--podman-socket must be an absolute path or unix:// URL, got "${socketText}"`,
      );
    }
  }

  const candidates: string[] = [];
  for (const name of ['CONTAINER_HOST', 'DOCKER_HOST'] as const) {
    const path = env[name] ? unixSocketPath(env[name]) : null;
    if (path) candidates.push(path);
  }
  candidates.push('/run/podman/podman.sock');
  if (env.XDG_RUNTIME_DIR) candidates.push(join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'));

  const logLevel = (v['log-level'] ?? env.ARCHDECK_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = v['log-format'] ?? env.ARCHDECK_LOG_FORMAT ?? (terminal ? 'human' : 'json');
  if (logFormat !== 'human' && logFormat !== 'json') {
    throw new ConfigError(`--log-format must be human or json, got "${logFormat}"`);
  }

  const presetsFile = v.presets ?? env.ARCHDECK_PRESETS ?? null;
  const defaultWebDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../web/dist');
  // This file runs from server/src (tests) or server/dist (built): either way, one level up.
  const defaultProbesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../probes/bin');
  return {
    host,
    port: Number(portText),
    podmanSocket,
    binfmtRoot: absolute(
      '--binfmt-root',
      v['binfmt-root'] ?? env.ARCHDECK_BINFMT_ROOT ?? '/proc/sys/fs/binfmt_misc',
    ),
    // systemd-binfmt reads these in this order of precedence; a file name in an earlier one wins.
    binfmtConfDirs: [
      absolute('--binfmt-d', v['binfmt-d'] ?? env.ARCHDECK_BINFMT_D ?? '/etc/binfmt.d'),
      '/run/binfmt.d',
      '/usr/lib/binfmt.d',
    ],
    dataDir: absolute(
      '--data-dir',
      v['data-dir'] ?? env.ARCHDECK_DATA_DIR ?? defaultDataDir(env, uid),
    ),
    presets: (() => {
      try {
        return loadPresetsFile(presetsFile);
      } catch (err) {
        throw new ConfigError((err as Error).message);
      }
    })(),
    presetsFile,
    ...registryPaths(v, env, uid, home, absolute),
    webDir: absolute('--web-dir', v['web-dir'] ?? env.ARCHDECK_WEB_DIR ?? defaultWebDir),
    probesDir: absolute(
      '--probes-dir',
      v['probes-dir'] ?? env.ARCHDECK_PROBES_DIR ?? defaultProbesDir,
    ),
    logLevel,
    logFormat,
    podmanCandidates: [...new Set(candidates)],
    isRoot,
    pathEnv: env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    childEnv: env,
  };
}
