import { describe, expect, it } from 'vitest';
import { ociArch } from '../src/host/host-info.js';
import { serviceConfigFor, type HostQuirks } from '../src/engine/host-quirks.js';

describe('ociArch', () => {
  it.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['ppc64le', 'ppc64le'],
    ['s390x', 's390x'],
    ['riscv64', 'riscv64'],
    ['armv7l', 'arm'],
    ['i686', '386'],
    ['loongarch64', 'loong64'],
  ])('%s is %s', (machine, oci) => expect(ociArch(machine)).toBe(oci));

  it('names little-endian mips64 mips64le', () => {
    expect(ociArch('mips64', 'LE')).toBe('mips64le');
    expect(ociArch('mips64', 'BE')).toBe('mips64');
  });
});

describe('serviceConfigFor', () => {
  const healthy: HostQuirks = {
    hybridCgroups: false,
    capSysResource: true,
    systemd: true,
    hardLimits: { nofile: 524288, nproc: 62000 },
  };

  it('needs no containers.conf on a healthy systemd host', () => {
    expect(serviceConfigFor(healthy, '/usr/bin/runc')).toEqual({
      adjustments: [],
      containersConf: null,
    });
  });

  it('picks runc on hybrid cgroups and clamps ulimits without CAP_SYS_RESOURCE', () => {
    const s = serviceConfigFor(
      { ...healthy, hybridCgroups: true, capSysResource: false, systemd: false },
      '/usr/bin/runc',
    );
    expect(s.containersConf).toContain('[engine]\nruntime = "runc"');
    expect(s.containersConf).toContain(
      'default_ulimits = ["nofile=524288:524288", "nproc=62000:62000"]',
    );
    expect(s.containersConf).toContain('cgroup_manager = "cgroupfs"');
    expect(s.adjustments.map((a) => a.reason).join(' ')).toMatch(
      /hybrid.*CAP_SYS_RESOURCE.*systemd/,
    );
  });

  it('says how to get runc when it is missing', () => {
    const s = serviceConfigFor({ ...healthy, hybridCgroups: true }, null);
    expect(s.adjustments[0]?.reason).toContain('apt-get install -y runc');
  });
});
