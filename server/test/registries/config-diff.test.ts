import { describe, expect, it } from 'vitest';
import { compareConfigs } from '../../src/registries/config-diff.js';
import type { RemoteImageConfig } from '../../src/registries/platform-configs.js';

const image = (
  architecture: string,
  config: Record<string, unknown>,
  layerSizes: number[],
  extra: Record<string, unknown> = {},
): RemoteImageConfig => ({
  entry: {
    os: 'linux',
    architecture,
    variant: architecture === 'arm' ? 'v7' : null,
    digest: `sha256:${architecture.padEnd(64, '0')}`,
    size: 500,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  },
  config: { architecture, os: 'linux', config, ...extra },
  layerSizes,
});

describe('compareConfigs', () => {
  const rows = compareConfigs([
    image(
      'amd64',
      {
        Env: ['PATH=/usr/bin:/bin', 'TIER=prod'],
        Entrypoint: ['/app'],
        Labels: { 'org.opencontainers.image.version': '1.2' },
        ExposedPorts: { '80/tcp': {} },
      },
      [100, 20],
      { created: '2026-01-01T00:00:00Z' },
    ),
    image(
      'arm',
      {
        Env: ['PATH=/usr/bin:/bin', 'TIER=test', 'EXTRA=1', 'TIER=staging'],
        Entrypoint: ['/app', '--slow'],
        Labels: { 'org.opencontainers.image.version': '1.1' },
        User: '1000',
        ExposedPorts: { '80/tcp': {} },
      },
      [90],
      { created: '2024-01-01T00:00:00Z' },
    ),
  ]);
  const row = (field: string, key: string | null = null) =>
    rows.find((r) => r.field === field && r.key === key);

  it('puts each variable and label on a row of its own; a later duplicate wins', () => {
    expect(row('Env', 'PATH')).toMatchObject({
      values: ['/usr/bin:/bin', '/usr/bin:/bin'],
      differs: false,
    });
    expect(row('Env', 'TIER')).toMatchObject({ values: ['prod', 'staging'], differs: true });
    expect(row('Env', 'EXTRA')).toMatchObject({ values: [null, '1'], differs: true });
    expect(row('Labels', 'org.opencontainers.image.version')?.values).toEqual(['1.2', '1.1']);
  });

  it('compares the run settings, layers and size, and the variant', () => {
    expect(row('Entrypoint')).toMatchObject({
      values: ['["/app"]', '["/app","--slow"]'],
      differs: true,
    });
    expect(row('Cmd')).toMatchObject({ values: [null, null], differs: false });
    expect(row('User')?.values).toEqual([null, '1000']);
    expect(row('ExposedPorts')).toMatchObject({ values: ['80/tcp', '80/tcp'], differs: false });
    expect(row('Layers')?.values).toEqual([2, 1]);
    expect(row('Size')?.values).toEqual([120, 90]);
    expect(row('variant')?.values).toEqual([null, 'v7']);
    expect(row('Created')?.differs).toBe(true);
  });

  it('leaves out what no platform sets, but for the core fields', () => {
    expect(rows.map((r) => r.field)).not.toContain('StopSignal');
    expect(rows.map((r) => r.field)).not.toContain('os.version');
    expect(rows.map((r) => r.field).slice(0, 4)).toEqual([
      'Entrypoint',
      'Cmd',
      'User',
      'WorkingDir',
    ]);
  });
});
