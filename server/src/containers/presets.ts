/**
 * One-click presets: well-known images offered as "Run <title> as <arch>" for every platform
 * this host can run. The list comes from a JSON file (--presets) or these defaults.
 */
import { readFileSync } from 'node:fs';

export interface PresetDef {
  id: string;
  title: string;
  image: string;
  description: string;
  cmd: string[] | null;
  tty: boolean;
}

const SHOW_ARCH = [
  'sh',
  '-c',
  'echo "running on $(uname -m)"; cat /etc/os-release 2>/dev/null | head -n 2',
];

export const DEFAULT_PRESETS: PresetDef[] = [
  {
    id: 'ubuntu',
    title: 'Ubuntu',
    image: 'docker.io/library/ubuntu:24.04',
    description: 'Ubuntu 24.04 LTS userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'debian',
    title: 'Debian',
    image: 'docker.io/library/debian:bookworm',
    description: 'Debian 12 userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'alpine',
    title: 'Alpine',
    image: 'docker.io/library/alpine:3.20',
    description: 'A 4 MB musl userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'busybox',
    title: 'BusyBox',
    image: 'docker.io/library/busybox:1.36',
    description: 'One static binary, many tools',
    cmd: SHOW_ARCH,
    tty: false,
  },
];

/** Reads and checks a presets file; a bad file is a startup error with what is wrong. */
export function loadPresets(path: string | null): PresetDef[] {
  if (!path) return DEFAULT_PRESETS;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read presets file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(data)) throw new Error(`presets file ${path} must hold a JSON array`);
  return data.map((p: Record<string, unknown>, i) => {
    const at = `presets file ${path}, entry ${i}`;
    if (typeof p.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(p.id))
      throw new Error(`${at}: id must match [a-z0-9-]`);
    if (typeof p.image !== 'string' || !p.image) throw new Error(`${at}: image is required`);
    if (
      p.cmd !== undefined &&
      p.cmd !== null &&
      !(Array.isArray(p.cmd) && p.cmd.every((a) => typeof a === 'string'))
    ) {
      throw new Error(`${at}: cmd must be an array of strings`);
    }
    return {
      id: p.id,
      title: typeof p.title === 'string' ? p.title : p.id,
      image: p.image,
      description: typeof p.description === 'string' ? p.description : '',
      cmd: (p.cmd as string[] | undefined) ?? null,
      tty: p.tty === true,
    };
  });
}
