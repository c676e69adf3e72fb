/**
 * GET /api/registries/configs against the loopback registry: a test-owned multi-arch image whose
 * platforms really differ (another ENV, a label, an entrypoint, one more layer), built with
 * podman and pushed as a manifest list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformConfigs } from '@archdeck/shared';
import { buildTestApp, podmanCli, testEnv, type TestApp } from '../helper.js';

const env = testEnv();
const BIN = fileURLToPath(new URL('../../probes/bin', import.meta.url));
const ID = randomBytes(3).toString('hex');
const LOCAL = `localhost/archdeck-test-cpumodels/diff-${ID}`;
const REMOTE_REPO = `${env.registry}/archdeck-test-cpumodels/diff-${ID}`;
const REMOTE = `${REMOTE_REPO}:1`;
let t: TestApp;
let dir: string;

/** A FROM scratch image of the probe for `arch`, with what this platform's build adds. */
async function build(arch: string, extra: string[]): Promise<string> {
  const ctx = join(dir, arch);
  await mkdir(ctx);
  await copyFile(join(BIN, `probe-${arch}`), join(ctx, 'probe'));
  await writeFile(join(ctx, 'notes'), `built for ${arch}\n`);
  const lines = ['FROM scratch', 'COPY probe /probe', 'ENV PATH=/ TIER=prod', ...extra];
  await writeFile(join(ctx, 'Containerfile'), `${lines.join('\n')}\n`);
  const tag = `${LOCAL}:${arch}`;
  await podmanCli('build', '--no-cache', '-q', '--platform', `linux/${arch}`, '-t', tag, ctx);
  return tag;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-diff-'));
  const amd64 = await build('amd64', [
    'LABEL org.opencontainers.image.version=1.2',
    'ENTRYPOINT ["/probe"]',
  ]);
  const arm64 = await build('arm64', [
    'ENV TIER=test',
    'LABEL org.opencontainers.image.version=1.1',
    'COPY notes /notes',
    'USER 1000',
    'ENTRYPOINT ["/probe", "--arm"]',
  ]);
  const list = `${LOCAL}-list:1`;
  await podmanCli('manifest', 'create', list);
  try {
    for (const image of [amd64, arm64]) {
      await podmanCli('manifest', 'add', list, `containers-storage:${image}`);
    }
    await podmanCli('manifest', 'push', '--all', '--tls-verify=false', list, `docker://${REMOTE}`);
  } finally {
    // A local list stays in podman's image list; 4.3 lists nothing when it lacks the host's arch.
    await podmanCli('manifest', 'rm', list).catch(() => undefined);
    await podmanCli('rmi', '--force', amd64, arm64).catch(() => undefined);
  }
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
});

afterAll(async () => {
  await t?.app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/registries/configs', () => {
  it('shows both platforms’ configs side by side, with what differs', async () => {
    const res = await t.api({ url: `/api/registries/configs?ref=${encodeURIComponent(REMOTE)}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as PlatformConfigs;
    expect(body).toMatchObject({ reference: REMOTE, multiArch: true, skipped: 0 });
    expect(body.platforms.map((p) => [p.platform, p.run])).toEqual([
      ['linux/amd64', 'native'],
      ['linux/arm64', expect.stringMatching(/emulated|unavailable/)],
    ]);
    const row = (field: string, key: string | null = null) =>
      body.rows.find((r) => r.field === field && r.key === key);
    expect(row('Env', 'TIER')).toEqual({
      field: 'Env',
      key: 'TIER',
      values: ['prod', 'test'],
      differs: true,
    });
    expect(row('Env', 'PATH')).toMatchObject({ values: ['/', '/'], differs: false });
    expect(row('Labels', 'org.opencontainers.image.version')).toMatchObject({
      values: ['1.2', '1.1'],
      differs: true,
    });
    expect(row('Entrypoint')?.values).toEqual(['["/probe"]', '["/probe","--arm"]']);
    expect(row('User')?.values).toEqual([null, '1000']);
    expect(row('WorkingDir')).toMatchObject({ values: [null, null], differs: false });
    expect(row('Layers')?.values).toEqual([1, 2]);
    const [amd64Size, arm64Size] = row('Size')!.values as number[];
    expect(amd64Size).toBeGreaterThan(0);
    expect(arm64Size).toBeGreaterThan(0);
    expect(body.differences).toBe(body.rows.filter((r) => r.differs).length);
  });

  it('a single-platform image: one column, nothing differs', async () => {
    const res = await t.api({
      url: `/api/registries/configs?ref=${encodeURIComponent(`${REMOTE_REPO}@${await digestOf('linux/arm64')}`)}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as PlatformConfigs;
    expect(body).toMatchObject({ multiArch: false, differences: 0 });
    expect(body.platforms.map((p) => p.platform)).toEqual(['linux/arm64']);
  });

  it('a tag the registry does not have: 404 in the registry’s words', async () => {
    const res = await t.api({
      url: `/api/registries/configs?ref=${encodeURIComponent(`${REMOTE_REPO}:nope`)}`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'registry_not_found' });
  });
});

/** The digest of one platform's manifest, as the index lists it. */
async function digestOf(platform: string): Promise<string> {
  const res = await t.api({ url: `/api/registries/platforms?ref=${encodeURIComponent(REMOTE)}` });
  const found = (
    res.json() as { platforms: { platform: string; digest: string }[] }
  ).platforms.find((p) => p.platform === platform);
  return found!.digest;
}
