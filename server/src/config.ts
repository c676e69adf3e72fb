/**
 * The daemon's configuration: flags, their environment equivalents and defaults, validated
 * once at start. This is the only file that reads `process.env` or `process.argv`.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPresets, type PresetDef } from './containers/presets.js';

export interface Config {
  host: string;
  port: number;
  /** Explicit podman API socket; when null the daemon discovers or starts one. */
  podmanSocket: string | null;
  binfmtRoot: string;
  /** Where handlers are persisted (systemd-binfmt format), the first directory is ours to write. */
  binfmtConfDirs: string[];
  dataDir: string;
  /** One-click presets, from --presets or the built-in list. */
  presets: PresetDef[];
  /** registries.conf, for which registries may be reached over plain HTTP. */
  registriesConf: string;
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
  --registries-conf <f>  registries.conf marking insecure registries (env
                         CONTAINERS_REGISTRIES_CONF, default /etc/containers/registries.conf)
  --presets <file>       JSON list of one-click presets (env ARCHDECK_PRESETS)
  --web-dir <dir>        the built UI (env ARCHDECK_WEB_DIR, default web/dist of this checkout)
  --probes-dir <dir>     smoke-test probes, probe-<arch> (env ARCHDECK_PROBES_DIR, default
                         server/probes/bin of this checkout, which ships them)
  --log-level <level>    ${LOG_LEVELS.join(', ')} (env ARCHDECK_LOG_LEVEL, default info)
  --log-format <format>  human or json (env ARCHDECK_LOG_FORMAT; default human when standard
                         output is a terminal, json otherwise)
  -h, --help             show this help
`;

/** Where the token and state live unless --data-dir says otherwise (the CLI reads it too). */
export function defaultDataDir(env: NodeJS.ProcessEnv, uid: number): string {
  if (uid === 0) return '/var/lib/archdeck';
  const home = env.HOME || homedir();
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'archdeck');
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
        return loadPresets(v.presets ?? env.ARCHDECK_PRESETS ?? null);
      } catch (err) {
        throw new ConfigError((err as Error).message);
      }
    })(),
    registriesConf: absolute(
      '--registries-conf',
      v['registries-conf'] ?? env.CONTAINERS_REGISTRIES_CONF ?? '/etc/containers/registries.conf',
    ),
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
