/**
 * Finds the qemu-user interpreters installed on this host: Debian's binfmt wrappers, the
 * static and dynamic emulators, and the interpreters named by binfmt.d templates. Only these
 * may be registered: the client never sends a path of its own choosing.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { QemuInstallation } from '@archdeck/shared';
import { archForQemu } from './platforms.js';
import { parseConfFile } from './binfmt-conf.js';

export interface DiscoveryDirs {
  wrappers: string;
  bin: string;
  templates: string[];
}

export const DEFAULT_DISCOVERY: DiscoveryDirs = {
  wrappers: '/usr/libexec/qemu-binfmt',
  bin: '/usr/bin',
  templates: ['/usr/lib/binfmt.d', '/etc/binfmt.d'],
};

const KIND_RANK: Record<QemuInstallation['kind'], number> = { wrapper: 0, static: 1, dynamic: 2 };

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

const listDir = (dir: string) => readdir(dir).catch(() => [] as string[]);

function classify(path: string): { qemuArch: string; kind: QemuInstallation['kind'] } | null {
  const name = basename(path);
  let m = /^([a-z0-9_]+)-binfmt-P$/.exec(name);
  if (m) return { qemuArch: m[1]!, kind: 'wrapper' };
  m = /^qemu-([a-z0-9_]+)-static$/.exec(name);
  if (m) return { qemuArch: m[1]!, kind: 'static' };
  m = /^qemu-([a-z0-9_]+)$/.exec(name);
  if (m) return { qemuArch: m[1]!, kind: 'dynamic' };
  return null;
}

function installation(path: string): QemuInstallation | null {
  const c = classify(path);
  const arch = c && archForQemu(c.qemuArch);
  if (!c || !arch) return null;
  return {
    path,
    qemuArch: c.qemuArch,
    platform: arch.platform,
    kind: c.kind,
    // Only the -binfmt-P wrappers understand the extra argv[0] that P passes.
    defaultFlags: c.kind === 'wrapper' ? 'POF' : 'F',
  };
}

export async function discoverInstallations(
  dirs: DiscoveryDirs = DEFAULT_DISCOVERY,
): Promise<QemuInstallation[]> {
  const candidates = new Set<string>();
  for (const name of await listDir(dirs.wrappers)) candidates.add(join(dirs.wrappers, name));
  for (const name of await listDir(dirs.bin)) {
    if (name.startsWith('qemu-')) candidates.add(join(dirs.bin, name));
  }
  for (const dir of dirs.templates) {
    for (const file of await listDir(dir)) {
      if (!file.endsWith('.conf')) continue;
      const text = await readFile(join(dir, file), 'utf8').catch(() => '');
      for (const line of parseConfFile(text).lines) candidates.add(line.interpreter);
    }
  }
  const found: QemuInstallation[] = [];
  for (const path of candidates) {
    const inst = installation(path);
    if (inst && (await isExecutableFile(path))) found.push(inst);
  }
  return found.sort(
    (a, b) => a.qemuArch.localeCompare(b.qemuArch) || KIND_RANK[a.kind] - KIND_RANK[b.kind],
  );
}
