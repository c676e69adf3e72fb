import { describe, expect, it } from 'vitest';
import { ociArch } from '../src/host/host-info.js';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { serviceConfigFor, type HostQuirks } from '../src/engine/host-quirks.js';
import { readHostContainersConf } from '../src/engine/containers-conf.js';

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
    expect(parse(s.containersConf!)).toEqual({
      containers: { default_ulimits: ['nofile=524288:524288', 'nproc=62000:62000'] },
      engine: { runtime: 'runc', cgroup_manager: 'cgroupfs', events_logger: 'file' },
    });
    expect(s.adjustments.map((a) => a.reason).join(' ')).toMatch(
      /hybrid.*CAP_SYS_RESOURCE.*systemd/,
    );
  });

  it("carries the host's own settings over, with the adjustments on top", () => {
    const base = {
      containers: { default_capabilities: ['CHOWN'], default_ulimits: ['nofile=1:1'] },
      engine: { runtime: 'crun', tmp_dir: '/x' },
      network: { network_backend: 'netavark' },
    };
    const s = serviceConfigFor(
      { ...healthy, hybridCgroups: true, capSysResource: false },
      '/r',
      base,
    );
    expect(parse(s.containersConf!)).toEqual({
      containers: {
        default_capabilities: ['CHOWN'],
        default_ulimits: ['nofile=524288:524288', 'nproc=62000:62000'],
      },
      engine: { runtime: 'runc', tmp_dir: '/x' },
      network: { network_backend: 'netavark' },
    });
  });

  it('says how to get runc when it is missing', () => {
    const s = serviceConfigFor({ ...healthy, hybridCgroups: true }, null);
    expect(s.adjustments[0]?.reason).toContain('apt-get install -y runc');
  });
});

describe('readHostContainersConf', () => {
  it('reads the system files, then the drop-ins in name order, each over the last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-conf-'));
    try {
      const share = join(dir, 'share.conf');
      const etc = join(dir, 'etc.conf');
      const dropIns = join(dir, 'containers.conf.d');
      await mkdir(dropIns);
      await writeFile(share, '[engine]\nruntime = "crun"\nnum_locks = 2048\n');
      await writeFile(etc, '[engine]\nruntime = "runc"\n');
      await writeFile(join(dropIns, '20-b.conf'), '[engine]\nnum_locks = 7\n');
      await writeFile(join(dropIns, '10-a.conf'), '[engine]\nnum_locks = 5\n[network]\nx = 1\n');
      await writeFile(join(dropIns, 'ignored.txt'), 'not toml');
      const conf = await readHostContainersConf(
        {},
        { system: [share, etc, join(dir, 'absent')], dropIns },
      );
      expect(conf.files).toEqual([
        share,
        etc,
        join(dropIns, '10-a.conf'),
        join(dropIns, '20-b.conf'),
      ]);
      expect(conf.settings).toEqual({
        engine: { runtime: 'runc', num_locks: 7 },
        network: { x: 1 },
      });

      // $CONTAINERS_CONF alone, as podman reads it.
      const only = await readHostContainersConf(
        { CONTAINERS_CONF: share },
        { system: [etc], dropIns },
      );
      expect(only).toEqual({
        files: [share],
        settings: { engine: { runtime: 'crun', num_locks: 2048 } },
      });

      await writeFile(etc, '[engine\n');
      await expect(readHostContainersConf({}, { system: [etc], dropIns })).rejects.toThrow(
        /etc.conf is not valid TOML/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
