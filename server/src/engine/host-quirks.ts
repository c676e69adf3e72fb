/**
 * Host conditions under which a stock `podman system service` cannot run containers, and the
 * containers.conf settings that work around them. Applied only to the service the daemon
 * starts itself; an external service is the user's to configure.
 */
import { access, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { stringify } from 'smol-toml';
import type { PodmanAdjustment } from '@archdeck/shared';
import { mergeToml, type Toml } from './containers-conf.js';

const CAP_SYS_RESOURCE = 24n;

export interface HostQuirks {
  /** cgroup v1 controllers with a v2 hierarchy beside them (older distros, WSL2). */
  hybridCgroups: boolean;
  /** Without CAP_SYS_RESOURCE podman cannot raise rlimits to its defaults. */
  capSysResource: boolean;
  systemd: boolean;
  /**
   * The highest rlimits a container may get without the capability: the hard limits of the
   * process that starts it. That is the podman service, which sets some of its own (its
   * RLIMIT_NPROC is 32768 whatever its parent had), so these are refined from the running
   * service's /proc/<pid>/limits once it is up (readLimits).
   */
  hardLimits: Limits;
}

export interface Limits {
  nofile: number;
  nproc: number;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export async function findExecutable(name: string, pathEnv: string): Promise<string | null> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await exists(candidate)) return candidate;
  }
  return null;
}

function hardLimit(limits: string, label: string): number {
  const line = limits.split('\n').find((l) => l.startsWith(label));
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? 1048576 : Number(hard);
}

/** A process's hard limits, from /proc/<pid>/limits (`self` for this one). */
export async function readLimits(pid: number | 'self'): Promise<Limits | null> {
  const text = await readFile(`/proc/${pid}/limits`, 'utf8').catch(() => null);
  if (text === null) return null;
  return { nofile: hardLimit(text, 'Max open files'), nproc: hardLimit(text, 'Max processes') };
}

/** The lower of two sets of limits, key by key. */
export const lowerLimits = (a: Limits, b: Limits): Limits => ({
  nofile: Math.min(a.nofile, b.nofile),
  nproc: Math.min(a.nproc, b.nproc),
});

export async function detectHostQuirks(): Promise<HostQuirks> {
  const [unifiedOnly, unifiedBeside, status, limits, systemd] = await Promise.all([
    exists('/sys/fs/cgroup/cgroup.controllers'),
    exists('/sys/fs/cgroup/unified'),
    readFile('/proc/self/status', 'utf8').catch(() => ''),
    readLimits('self'),
    exists('/run/systemd/system'),
  ]);
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return {
    hybridCgroups: !unifiedOnly && unifiedBeside,
    capSysResource:
      capEff === undefined || ((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n,
    systemd,
    hardLimits: limits ?? { nofile: 1048576, nproc: 1048576 },
  };
}

export interface ServiceConfig {
  adjustments: PodmanAdjustment[];
  /**
   * containers.conf content for the managed service: the host's settings (`base`, see
   * containers-conf.ts) with the adjustments on top; null when none is needed, and podman
   * reads the host's files itself.
   */
  containersConf: string | null;
}

/**
 * What the managed service needs on this host: `base` is the host's containers.conf, which
 * the generated file carries over (podman reads only the generated one).
 */
export function serviceConfigFor(
  q: HostQuirks,
  runcPath: string | null,
  base: Toml = {},
): ServiceConfig {
  const adjustments: PodmanAdjustment[] = [];
  const containers: Toml = {};
  const engine: Toml = {};
  if (q.hybridCgroups) {
    // crun refuses hybrid hierarchies: "cgroups in hybrid mode not supported, drop all
    // controllers from cgroupv2" (https://github.com/containers/crun/issues/1014).
    engine.runtime = 'runc';
    adjustments.push({
      setting: 'runtime = "runc"',
      reason: runcPath
        ? "cgroups are in hybrid mode, which crun (podman's default runtime) does not support"
        : 'cgroups are in hybrid mode, which crun does not support; runc is not installed: apt-get install -y runc',
    });
  }
  if (!q.capSysResource) {
    // podman raises nofile/nproc to 1048576 by default, which fails with "error setting
    // rlimit type 7: operation not permitted" when the hard limit is lower.
    const { nofile, nproc } = q.hardLimits;
    containers.default_ulimits = [`nofile=${nofile}:${nofile}`, `nproc=${nproc}:${nproc}`];
    adjustments.push({
      setting: `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      reason:
        "the daemon lacks CAP_SYS_RESOURCE, so containers cannot get rlimits above the podman service's own hard limits",
    });
  }
  if (!q.systemd) {
    engine.cgroup_manager = 'cgroupfs';
    engine.events_logger = 'file';
    adjustments.push({
      setting: 'cgroup_manager = "cgroupfs", events_logger = "file"',
      reason: 'systemd is not running, so neither systemd cgroups nor the journal are available',
    });
  }
  if (adjustments.length === 0) return { adjustments, containersConf: null };
  const merged = mergeToml(base, { containers, engine });
  return {
    adjustments,
    containersConf:
      "# Generated by archdeck for the podman service it manages: the host's containers.conf\n" +
      '# with the adjustments /api/health lists.\n' +
      stringify(merged) +
      '\n',
  };
}
