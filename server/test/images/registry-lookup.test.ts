/**
 * Where an image is read from, as podman reads it (registries.conf mirrors and locations), and
 * the lookup through them: a mirror on the loopback registry answers for docker.io, which no
 * test machine reaches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../src/images/reference.js';
import { pullSources, RegistryError } from '../../src/images/registry-client.js';
import { RegistryLookup } from '../../src/images/registry-lookup.js';
import { testEnv } from '../helper.js';

const sources = (ref: string, conf: string) =>
  pullSources(parseReference(ref), conf).map((s) => ({
    name: `${s.ref.registry}/${s.ref.repository}`,
    // What inspectRemote reads over plain HTTP: the registry, or a *.domain wildcard of it.
    insecure: s.insecureRegistries.some(
      (e) => e === s.ref.registry || (e.startsWith('*.') && s.ref.registry.endsWith(e.slice(1))),
    ),
    mirror: s.mirror,
  }));

/** docker.io with a plain-HTTP mirror at `location`. */
const hubMirror = (location: string) => `
[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "${location}"
insecure = true
`;

const CONF = `${hubMirror('mirror.lan:5000')}[[registry.mirror]]
location = "digests.lan/hub"
pull-from-mirror = "digest-only"

[[registry]]
prefix = "docker.io/team"
location = "internal.lan/team-images"

[[registry]]
prefix = "*.corp"
insecure = true
[[registry.mirror]]
location = "cache.lan"
`;

describe('pullSources', () => {
  it('is the reference alone without registries.conf', () => {
    expect(sources('quay.io/podman/hello', '')).toEqual([
      { name: 'quay.io/podman/hello', insecure: false, mirror: false },
    ]);
  });

  it('tries the mirrors in order, then the registry', () => {
    expect(sources('busybox:1.36', CONF)).toEqual([
      { name: 'mirror.lan:5000/library/busybox', insecure: true, mirror: true },
      { name: 'docker.io/library/busybox', insecure: false, mirror: false },
    ]);
  });

  it('uses digest-only mirrors for digests only', () => {
    const digest = `busybox@sha256:${'a'.repeat(64)}`;
    expect(sources(digest, CONF).map((s) => s.name)).toEqual([
      'mirror.lan:5000/library/busybox',
      'digests.lan/hub/library/busybox',
      'docker.io/library/busybox',
    ]);
  });

  it('takes the longest prefix, and rewrites it to its location', () => {
    expect(sources('docker.io/team/app:1', CONF)).toEqual([
      { name: 'internal.lan/team-images/app', insecure: false, mirror: false },
    ]);
    // A prefix matches whole path components only.
    expect(sources('docker.io/teamwork/app:1', CONF)[0]!.name).toBe('mirror.lan:5000/teamwork/app');
  });

  it('matches a wildcard on the host, and mirrors its names', () => {
    expect(sources('registry.corp/x/y:1', CONF)).toEqual([
      { name: 'cache.lan/x/y', insecure: false, mirror: true },
      { name: 'registry.corp/x/y', insecure: true, mirror: false },
    ]);
  });
});

describe('RegistryLookup', () => {
  const env = testEnv();
  let dir: string;
  let lookup: RegistryLookup;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archdeck-lookup-test-'));
    // The test environment's registries.conf, with the loopback registry as docker.io's mirror.
    const conf = join(dir, 'registries.conf');
    await writeFile(
      conf,
      `${await readFile(env.registriesConf, 'utf8')}${hubMirror(env.registry)}`,
    );
    lookup = new RegistryLookup(conf);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads docker.io through a mirror, saying which one answered', async () => {
    const image = await lookup.inspect(parseReference('docker.io/library/busybox:1.36'));
    expect(image.reference).toBe('docker.io/library/busybox:1.36');
    expect(image.mirror).toBe(env.registry);
    expect(image.platforms.map((p) => p.architecture).sort()).toEqual([
      'amd64',
      'arm64',
      'ppc64le',
      's390x',
    ]);
  });

  it("reports the registry's failure, and the mirrors' too", async () => {
    const err = await lookup.inspect(parseReference('docker.io/library/busybox:no-such-tag')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).kind).toBe('unreachable');
    const message = (err as Error).message;
    expect(message).toContain('cannot reach registry-1.docker.io');
    expect(message).toContain(`its mirrors failed too (${env.registry}: `);
    expect(message).toContain('no-such-tag');
  });
});
