/**
 * The captured fixtures: ELF heads from scripts/make-elf-fixtures.sh and binfmt_misc entry
 * files (with the line that registered each) from scripts/capture-binfmt-fixtures.sh.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ElfLinkage, ElfUnread } from '@archdeck/shared';
import { parseConfFile, type RegisterLine } from '../../src/emulators/binfmt-conf.js';

const dir = (sub: string) => fileURLToPath(new URL(`../fixtures/${sub}/`, import.meta.url));
const ELF_DIR = dir('elf');
const BINFMT_DIR = dir('binfmt');

const stems = (path: string, ext: string) =>
  readdirSync(path)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

export const ELF_FIXTURES = stems(ELF_DIR, '.head');
export const ENTRY_FIXTURES = stems(BINFMT_DIR, '.entry');

export const elfHead = (name: string): Buffer => readFileSync(`${ELF_DIR}${name}.head`);

export const entryText = (label: string): string =>
  readFileSync(`${BINFMT_DIR}${label}.entry`, 'utf8');

/** The line that was registered to produce `<label>.entry`. */
export function registeredLine(label: string): RegisterLine {
  const { lines, errors } = parseConfFile(readFileSync(`${BINFMT_DIR}${label}.line`, 'utf8'));
  const [line] = lines;
  if (!line || lines.length !== 1 || errors.length > 0) {
    throw new Error(`${label}.line holds no single register line: ${errors.join('; ')}`);
  }
  return line;
}

/**
 * What each ELF fixture is, as `readelf -h -l` reports it on the full binaries (see
 * scripts/make-elf-fixtures.sh), and the emulator that must run it. `headLacks`: what a
 * fixture kept to its first 4 KiB leaves out, so the parser cannot see it.
 */
export const ELF_FACTS: Record<
  string,
  {
    class: 32 | 64;
    byteOrder: 'little' | 'big';
    machine: number;
    eFlags: number;
    type: string;
    linkage: ElfLinkage;
    loader: string | null;
    headLacks?: ElfUnread[];
    qemuArch: string;
    platform: string;
  }
> = {
  'hello-x86_64-static': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'hello-x86_64-static-pie': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'DYN',
    linkage: 'static-pie',
    loader: null,
    headLacks: ['dynamic-section'],
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'hello-x86_64-dynamic': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib64/ld-linux-x86-64.so.2',
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'hello-x86_64-shared': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'DYN',
    linkage: 'shared-library',
    loader: null,
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'hello-x86_64-object': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'REL',
    linkage: 'relocatable',
    loader: null,
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'qemu-aarch64-static': {
    class: 64,
    byteOrder: 'little',
    machine: 62,
    eFlags: 0,
    type: 'DYN',
    linkage: 'static-pie',
    loader: null,
    headLacks: ['dynamic-section'],
    qemuArch: 'x86_64',
    platform: 'linux/amd64',
  },
  'hello-i386-static': {
    class: 32,
    byteOrder: 'little',
    machine: 3,
    eFlags: 0,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'i386',
    platform: 'linux/386',
  },
  'hello-i386-dynamic': {
    class: 32,
    byteOrder: 'little',
    machine: 3,
    eFlags: 0,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib/ld-linux.so.2',
    qemuArch: 'i386',
    platform: 'linux/386',
  },
  'hello-aarch64-static': {
    class: 64,
    byteOrder: 'little',
    machine: 183,
    eFlags: 0,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'aarch64',
    platform: 'linux/arm64',
  },
  'hello-aarch64-dynamic': {
    class: 64,
    byteOrder: 'little',
    machine: 183,
    eFlags: 0,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib/ld-linux-aarch64.so.1',
    qemuArch: 'aarch64',
    platform: 'linux/arm64',
  },
  'hello-aarch64-shared': {
    class: 64,
    byteOrder: 'little',
    machine: 183,
    eFlags: 0,
    type: 'DYN',
    linkage: 'shared-library',
    loader: null,
    qemuArch: 'aarch64',
    platform: 'linux/arm64',
  },
  'hello-aarch64-object': {
    class: 64,
    byteOrder: 'little',
    machine: 183,
    eFlags: 0,
    type: 'REL',
    linkage: 'relocatable',
    loader: null,
    qemuArch: 'aarch64',
    platform: 'linux/arm64',
  },
  'hello-arm-static': {
    class: 32,
    byteOrder: 'little',
    machine: 40,
    eFlags: 0x5000400,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'arm',
    platform: 'linux/arm',
  },
  'hello-arm-dynamic': {
    class: 32,
    byteOrder: 'little',
    machine: 40,
    eFlags: 0x5000400,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib/ld-linux-armhf.so.3',
    qemuArch: 'arm',
    platform: 'linux/arm',
  },
  'hello-ppc64le-static': {
    class: 64,
    byteOrder: 'little',
    machine: 21,
    eFlags: 0x2,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'ppc64le',
    platform: 'linux/ppc64le',
  },
  'hello-ppc64le-dynamic': {
    class: 64,
    byteOrder: 'little',
    machine: 21,
    eFlags: 0x2,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib64/ld64.so.2',
    qemuArch: 'ppc64le',
    platform: 'linux/ppc64le',
  },
  'hello-s390x-static': {
    class: 64,
    byteOrder: 'big',
    machine: 22,
    eFlags: 0,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 's390x',
    platform: 'linux/s390x',
  },
  'hello-s390x-dynamic': {
    class: 64,
    byteOrder: 'big',
    machine: 22,
    eFlags: 0,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib/ld64.so.1',
    qemuArch: 's390x',
    platform: 'linux/s390x',
  },
  'hello-riscv64-static': {
    class: 64,
    byteOrder: 'little',
    machine: 243,
    eFlags: 0x5,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'riscv64',
    platform: 'linux/riscv64',
  },
  'hello-riscv64-dynamic': {
    class: 64,
    byteOrder: 'little',
    machine: 243,
    eFlags: 0x5,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib/ld-linux-riscv64-lp64d.so.1',
    qemuArch: 'riscv64',
    platform: 'linux/riscv64',
  },
  'hello-mips64el-static': {
    class: 64,
    byteOrder: 'little',
    machine: 8,
    eFlags: 0x80000007,
    type: 'EXEC',
    linkage: 'static',
    loader: null,
    qemuArch: 'mips64el',
    platform: 'linux/mips64le',
  },
  'hello-mips64el-dynamic': {
    class: 64,
    byteOrder: 'little',
    machine: 8,
    eFlags: 0x80000007,
    type: 'DYN',
    linkage: 'dynamic',
    loader: '/lib64/ld.so.1',
    qemuArch: 'mips64el',
    platform: 'linux/mips64le',
  },
};
