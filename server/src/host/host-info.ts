import { endianness, hostname, machine, release } from 'node:os';
import type { HostInfo } from '@archdeck/shared';

/** The kernel's machine names (`uname -m`) in OCI naming, as podman's `--arch` expects. */
const OCI_ARCH_BY_MACHINE: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  i386: '386',
  i486: '386',
  i586: '386',
  i686: '386',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv6l: 'arm',
  armv7l: 'arm',
  armv8l: 'arm',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loong64',
  mips64: 'mips64',
  mips: 'mips',
};

export function ociArch(unameMachine: string, byteOrder: 'LE' | 'BE' = endianness()): string {
  // uname says "mips64" for both byte orders; OCI names the little-endian one mips64le.
  if (unameMachine === 'mips64' && byteOrder === 'LE') return 'mips64le';
  return OCI_ARCH_BY_MACHINE[unameMachine] ?? unameMachine;
}

export function hostInfo(): HostInfo {
  const m = machine();
  return { arch: ociArch(m), machine: m, kernel: release(), hostname: hostname() };
}
