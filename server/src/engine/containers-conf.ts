/**
 * The host's containers.conf, as podman 4.3 reads it (containers.conf(5); containers/common
 * v0.50 `systemConfigs`): `$CONTAINERS_CONF` alone when it is set; otherwise
 * /usr/share/containers/containers.conf, then /etc/containers/containers.conf, then the
 * drop-ins in /etc/containers/containers.conf.d/ in name order, each overriding the ones
 * before it key by key.
 *
 * The managed service gets one generated file (podman reads only `$CONTAINERS_CONF` when it
 * is set): the host's settings merged, then archdeck's workarounds on top. So the
 * distribution's defaults and the user's own settings still apply to it.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';

export type Toml = Record<string, unknown>;

export const SYSTEM_CONTAINERS_CONF = [
  '/usr/share/containers/containers.conf',
  '/etc/containers/containers.conf',
];
const DROP_IN_DIR = '/etc/containers/containers.conf.d';

const isTable = (v: unknown): v is Toml =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** `over` on top of `base`, table by table; any other value replaces the one below it. */
export function mergeToml(base: Toml, over: Toml): Toml {
  const out: Toml = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isTable(below) && isTable(value) ? mergeToml(below, value) : value;
  }
  return out;
}

export interface HostContainersConf {
  /** The files read, in order. */
  files: string[];
  settings: Toml;
}

/** Reads the host's containers.conf chain; a file that does not parse is an error to show. */
export async function readHostContainersConf(
  env: NodeJS.ProcessEnv,
  roots: { system: string[]; dropIns: string } = {
    system: SYSTEM_CONTAINERS_CONF,
    dropIns: DROP_IN_DIR,
  },
): Promise<HostContainersConf> {
  let candidates: string[];
  if (env.CONTAINERS_CONF) {
    candidates = [env.CONTAINERS_CONF];
  } else {
    const dropIns = (await readdir(roots.dropIns).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.conf'))
      .sort()
      .map((name) => join(roots.dropIns, name));
    candidates = [...roots.system, ...dropIns];
  }
  const files: string[] = [];
  let settings: Toml = {};
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    try {
      settings = mergeToml(settings, parse(text) as Toml);
    } catch (err) {
      throw new Error(`${file} is not valid TOML: ${(err as Error).message}`, { cause: err });
    }
    files.push(file);
  }
  return { files, settings };
}
