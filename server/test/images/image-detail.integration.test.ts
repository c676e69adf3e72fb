/**
 * The image detail's digests, the registry's tags and a pull's layers, against the real private
 * podman service and the loopback registry, checked against what skopeo says. Everything this
 * file pushes lives under the registry namespace `archdeck-imagedetail/`, which nothing else
 * uses (the registry has no delete: reruns overwrite the same tags); the images it pulls are
 * its own (random content) except busybox, which it only reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageDetail, PullJob, RegistryTags } from '@archdeck/shared';
import { buildTestApp, testEnv, type TestApp } from '../helper.js';
import { registryRepo, sha256 } from '../registry-push.js';
import { resolveDigests } from '../../src/images/image-digests.js';
import { TAGS_PAGE_SIZE } from '../../src/registries/registry-client.js';

const run = promisify(execFile);
const env = testEnv();
const NAMESPACE = 'archdeck-imagedetail';
const busybox = `${env.registry}/${NAMESPACE}/busybox:1.36`;
const nonce = randomBytes(4).toString('hex');
const unique = registryRepo(env.registry, `${NAMESPACE}/unique`);
const uniqueRef = `${env.registry}/${NAMESPACE}/unique`;
let t: TestApp;
const pulledIds: string[] = [];

const skopeo = async (...args: string[]) =>
  (await run('skopeo', [args[0]!, '--tls-verify=false', ...args.slice(1)])).stdout;

/** The podman CLI on the private storage, as a user would run it. */
const podman = (...args: string[]) =>
  run('podman', ['--root', env.root, '--runroot', env.runroot, ...args], {
    env: {
      ...process.env,
      CONTAINERS_CONF: env.containersConf,
      CONTAINERS_STORAGE_CONF: process.env.ARCHDECK_TEST_STORAGE_CONF,
    },
  });

/** Pulls through the API and follows the job's event stream as the UI does, to its end. */
async function pull(
  ref: string,
  platform: string,
  app: TestApp = t,
): Promise<{ job: PullJob; seen: PullJob[] }> {
  const res = await app.api({ method: 'POST', url: '/api/pulls', payload: { ref, platform } });
  expect(res.statusCode).toBe(202);
  const started = res.json() as PullJob;
  const events = await app.api({ url: `/api/pulls/${started.id}/events` });
  const seen = [...events.body.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as PullJob);
  const job = seen.at(-1)!;
  expect(job, job.error ?? '').toMatchObject({ state: 'succeeded', error: null });
  pulledIds.push(job.imageId!);
  return { job, seen };
}

/**
 * An app whose registries.conf marks nothing insecure: its registry client cannot read the
 * loopback registry (plain HTTP), while podman, which has its own registries.conf, still can.
 */
async function withStrictApp(work: (app: TestApp) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-registries-'));
  const conf = join(dir, 'registries.conf');
  await writeFile(conf, 'unqualified-search-registries = []\n');
  const strict = await buildTestApp({ podmanSocket: env.socket, registriesConf: conf });
  try {
    await work(strict);
  } finally {
    await strict.app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** host:port where nothing listens: a port the kernel gave out and took back. */
async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

const detail = async (id: string) => {
  const res = await t.api({ url: `/api/images/${id}` });
  expect(res.statusCode).toBe(200);
  return res.json() as ImageDetail;
};

/**
 * The index digest of a multi-arch reference (the hash of `skopeo inspect --raw`) and the digest
 * of its image for `arch`, as `skopeo inspect` of that platform image reports it.
 */
async function skopeoDigests(ref: string, arch: string) {
  const raw = await skopeo('inspect', '--raw', `docker://${ref}`);
  const entry = (
    JSON.parse(raw) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }
  ).manifests.find((m) => m.platform.architecture === arch)!;
  const repository = ref.replace(/:[^:/]+$/, '');
  const image = JSON.parse(await skopeo('inspect', `docker://${repository}@${entry.digest}`)) as {
    Digest: string;
    Architecture: string;
  };
  expect(image.Architecture).toBe(arch);
  return { index: sha256(raw), platform: image.Digest };
}

/** A platform manifest as skopeo reads it from the registry. */
async function platformManifest(ref: string) {
  const raw = await skopeo('inspect', '--raw', `docker://${ref}`);
  return {
    digest: sha256(raw),
    ...(JSON.parse(raw) as {
      config: { digest: string };
      layers: Array<{ digest: string; size: number }>;
    }),
  };
}

/** The most tags the Link-paginating registry puts on a page, whatever `n` asks (as Docker Hub). */
const PAGE_CAP = 40;
const TOKEN = 'tags-token';

/**
 * A registry that paginates tags, in front of the loopback one (distribution 2.8 answers every
 * tag at once, ignoring `n`): lexical pages after `last`, with a Link header to the next page
 * (`link`: at most PAGE_CAP a page) or without one, leaving the client to ask again with `n` and
 * `last` (`last`). It wants an anonymous Bearer token first, as Docker Hub does.
 */
async function paginatingRegistry(mode: 'link' | 'last') {
  const pages: string[] = [];
  const server = createHttpServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, `http://${req.headers.host}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/token') return send(200, { token: TOKEN });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return send(
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="pages"` },
        );
      }
      const name = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1];
      const upstream = await fetch(`http://${env.registry}/v2/${name}/tags/list`);
      if (!upstream.ok) return send(upstream.status, await upstream.json());
      pages.push(url.search);
      const last = url.searchParams.get('last');
      const rest = ((await upstream.json()) as { tags: string[] }).tags
        .sort()
        .filter((tag) => last === null || tag > last);
      const n = Number(url.searchParams.get('n') ?? rest.length);
      const page = rest.slice(0, mode === 'link' ? Math.min(n, PAGE_CAP) : n);
      const more = mode === 'link' && rest.length > page.length;
      send(
        200,
        { name, tags: page },
        more
          ? {
              link: `</v2/${name}/tags/list?n=${page.length}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`,
            }
          : {},
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, pages, server };
}

let linkPages: Awaited<ReturnType<typeof paginatingRegistry>>;
let lastPages: Awaited<ReturnType<typeof paginatingRegistry>>;
let confDir: string;
let uniqueIndex: Awaited<ReturnType<typeof unique.index>>;
let uniqueImages: Array<Awaited<ReturnType<typeof unique.image>>>;

beforeAll(async () => {
  linkPages = await paginatingRegistry('link');
  lastPages = await paginatingRegistry('last');
  // The test registries.conf, plus the two paginating registries (plain HTTP).
  confDir = await mkdtemp(join(tmpdir(), 'archdeck-imagedetail-'));
  const conf = join(confDir, 'registries.conf');
  await writeFile(
    conf,
    (await readFile(env.registriesConf, 'utf8')) +
      [linkPages, lastPages]
        .map(({ host }) => `\n[[registry]]\nlocation = "${host}"\ninsecure = true\n`)
        .join(''),
  );
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: conf });
  await run('skopeo', [
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${env.image}`,
    `docker://${busybox}`,
  ]);
  uniqueImages = [await unique.image('arm64'), await unique.image('s390x')];
  uniqueIndex = await unique.index(nonce, uniqueImages);
});

afterAll(async () => {
  // Only the images this file made: busybox's id is shared with every other test.
  const own = new Set(uniqueImages?.map((i) => i.config.digest.slice(7)));
  for (const id of pulledIds.filter((i) => own.has(i))) {
    await podman('rmi', '--force', id).catch(() => undefined);
  }
  // busybox keeps its other names; only the ones this file gave it go.
  for (const suffix of ['', '-ppc64le', '-s390x']) {
    await podman('untag', `${busybox}${suffix}`, `${busybox}${suffix}`).catch(() => undefined);
  }
  await t?.app.close();
  for (const { server } of [linkPages, lastPages]) server?.close();
  if (confDir) await rm(confDir, { recursive: true, force: true });
});

describe('the digests of a multi-arch image', () => {
  it('tells the index digest from the platform digest, as skopeo sees them', async () => {
    const { job } = await pull(busybox, 'linux/ppc64le');
    const { index, platform } = await skopeoDigests(busybox, 'ppc64le');
    const image = await detail(job.imageId!);
    expect(image.digests).toEqual({
      platform,
      platformUnknown: null,
      indexes: [index],
      indexSource: 'store',
      indexUnknown: null,
    });
    // podman's RepoDigests hold both, unlabelled: the reason for telling them apart.
    expect(image.repoDigests).toEqual(
      expect.arrayContaining([
        `${env.registry}/${NAMESPACE}/busybox@${index}`,
        `${env.registry}/${NAMESPACE}/busybox@${platform}`,
      ]),
    );
  });

  it('learns the same from the registry when podman kept no copy it can read', async () => {
    const s390x = uniqueImages[1]!;
    const { job } = await pull(`${uniqueRef}:${nonce}`, 'linux/s390x');
    const image = await detail(job.imageId!);
    expect(image.digests).toMatchObject({
      platform: s390x.digest,
      indexes: [uniqueIndex.digest],
      indexSource: 'store',
    });

    const unread = { id: image.id, repoDigests: image.repoDigests };
    // Neither the platform manifest nor the index readable: both learned from the registry.
    const { digests, keep } = await resolveDigests(
      { ...unread, manifestDigest: null, storedManifests: null },
      (reference) => t.app.registries.readManifest(reference),
    );
    expect(digests).toEqual({
      platform: s390x.digest,
      platformUnknown: null,
      indexes: [uniqueIndex.digest],
      indexSource: 'registry',
      indexUnknown: null,
    });
    expect(keep).toBe(true);
  });

  it('says "not known", with the fix, when the registry cannot be asked', async () => {
    const image = await detail(uniqueImages[1]!.config.digest.slice(7));
    // The same digests under a registry address where nothing listens.
    const closed = await closedAddress();
    const { digests, keep } = await resolveDigests(
      {
        id: image.id,
        repoDigests: image.repoDigests.map((r) => r.replace(env.registry, closed)),
        manifestDigest: image.digests.platform,
        storedManifests: new Map(),
      },
      (reference) => t.app.registries.readManifest(reference),
    );
    expect(digests).toMatchObject({ platform: image.digests.platform, indexes: [] });
    expect(digests.indexUnknown).toBe(
      `No copy of the index was found in podman's image store, and the registry could not be asked: cannot reach ${closed}: it refused the connection. The registry may be offline, or the name "${closed}" may be wrong.`,
    );
    expect(keep).toBe(false);
  });

  it('says "not known" for an image pulled by its platform digest', async () => {
    const arm64 = uniqueImages[0]!;
    const { job } = await pull(`${uniqueRef}@${arm64.digest}`, 'linux/arm64');
    const image = await detail(job.imageId!);
    expect(image.repoDigests).toEqual([`${uniqueRef}@${arm64.digest}`]);
    expect(image.digests).toEqual({
      platform: arm64.digest,
      platformUnknown: null,
      indexes: [],
      indexSource: null,
      indexUnknown: expect.stringMatching(
        /^Podman recorded no index for this image: it was pulled by its platform digest/,
      ),
    });
  });
});

describe('a pull', () => {
  it("counts the platform manifest's layers only, never the config blob", async () => {
    // An image of its own, so that its layers are downloaded, not found locally.
    const ppc64le = await unique.image('ppc64le', 3);
    await unique.index(`${nonce}-pull`, [ppc64le]);
    uniqueImages.push(ppc64le);
    const { job, seen } = await pull(`${uniqueRef}:${nonce}-pull`, 'linux/ppc64le');
    expect(job.layers.every((l) => !/already exists/i.test(l.status))).toBe(true);
    const manifest = await platformManifest(`${uniqueRef}@${ppc64le.digest}`);
    const configId = manifest.config.digest.slice(7, 19);
    expect(job.imageId!.startsWith(configId)).toBe(true);
    for (const snapshot of seen) {
      expect(snapshot.layers.map((l) => l.id)).not.toContain(configId);
    }
    expect(job.layers.map((l) => l.id).sort()).toEqual(
      manifest.layers.map((l) => l.digest.slice(7, 19)).sort(),
    );
    const sized = job.layers.filter((l) => l.total !== null);
    expect(job.total).toBe(sized.reduce((n, l) => n + l.total!, 0));
  });

  it("recognises the config by podman's final message when the registry cannot say", async () => {
    const arm64 = await unique.image('arm64', 2);
    await unique.index(`${nonce}-fallback`, [arm64]);
    uniqueImages.push(arm64);
    await withStrictApp(async (strict) => {
      const { job } = await pull(`${uniqueRef}:${nonce}-fallback`, 'linux/arm64', strict);
      expect(job.imageId).toBe(arm64.config.digest.slice(7));
      expect(job.layers.map((l) => l.id).sort()).toEqual(
        arm64.layers.map((l) => l.digest.slice(7, 19)).sort(),
      );
    });
  });

  it('leaves out the config of an image whose layers are all local already', async () => {
    const { job, seen } = await pull(busybox, 'linux/s390x');
    const { platform } = await skopeoDigests(busybox, 's390x');
    const manifest = await platformManifest(`${env.registry}/${NAMESPACE}/busybox@${platform}`);
    const configId = manifest.config.digest.slice(7, 19);
    for (const snapshot of seen) {
      expect(snapshot.layers.map((l) => l.id)).not.toContain(configId);
    }
    expect(job.layers.map((l) => l.id).sort()).toEqual(
      manifest.layers.map((l) => l.digest.slice(7, 19)).sort(),
    );
  });
});

describe('GET /api/registries/tags', () => {
  const repository = `${NAMESPACE}/many`;
  const many = `${env.registry}/${repository}`;
  const count = 2 * TAGS_PAGE_SIZE + 37;
  let listed: string[];

  beforeAll(async () => {
    // One index under many tags: each tag is one manifest PUT once the blobs are there.
    const repo = registryRepo(env.registry, repository);
    const image = await repo.image('arm64', 1);
    const index = await repo.index('t-0000', [image]);
    for (let i = 1; i < count; i++) {
      await repo.manifest(`t-${String(i).padStart(4, '0')}`, index.body, index.mediaType);
    }
    listed = (JSON.parse(await skopeo('list-tags', `docker://${many}`)) as { Tags: string[] }).Tags;
    expect(listed).toHaveLength(count);
  });

  const tagsOf = async (ref: string) => {
    const res = await t.api({ url: `/api/registries/tags?ref=${encodeURIComponent(ref)}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as RegistryTags;
  };

  it('lists every tag, as skopeo list-tags does', async () => {
    const body = await tagsOf(many);
    expect(body).toMatchObject({ repository: many, truncated: false });
    expect([...body.tags].sort()).toEqual([...listed].sort());
  });

  it("follows the Link header's pages of a registry that wants a token", async () => {
    const body = await tagsOf(`${linkPages.host}/${repository}`);
    expect(body).toEqual({
      repository: `${linkPages.host}/${repository}`,
      source: { reference: `${linkPages.host}/${repository}`, mirror: false },
      tags: [...listed].sort(),
      truncated: false,
    });
    expect(linkPages.pages).toEqual([
      `?n=${TAGS_PAGE_SIZE}`,
      ...Array.from({ length: Math.ceil(count / PAGE_CAP) - 1 }, (_, i) =>
        expect.stringMatching(
          new RegExp(
            `^\\?n=${PAGE_CAP}&last=t-${String((i + 1) * PAGE_CAP - 1).padStart(4, '0')}$`,
          ),
        ),
      ),
    ]);
  });

  it('asks with n and last after a full page when the registry sends no Link', async () => {
    const body = await tagsOf(`${lastPages.host}/${repository}`);
    expect(body.tags).toEqual([...listed].sort());
    expect(lastPages.pages).toHaveLength(Math.floor(count / TAGS_PAGE_SIZE) + 1);
    expect(lastPages.pages[1]).toBe(
      `?n=${TAGS_PAGE_SIZE}&last=t-${String(TAGS_PAGE_SIZE - 1).padStart(4, '0')}`,
    );
  });

  it('ignores the tag of a reference', async () => {
    expect((await tagsOf(`${uniqueRef}:${nonce}`)).tags).toContain(nonce);
  });

  it('answers 404 with the fix for a repository the registry does not have', async () => {
    const res = await t.api({
      url: `/api/registries/tags?ref=${encodeURIComponent(`${env.registry}/${NAMESPACE}/nothing-here`)}`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'registry_not_found',
      message: `the repository "${NAMESPACE}/nothing-here" was not found in ${env.registry}: repository name not known to registry. Check the repository name`,
    });
  });

  it('answers 502 with the fix for a plain-HTTP registry not marked insecure', async () => {
    await withStrictApp(async (strict) => {
      const res = await strict.api({ url: `/api/registries/tags?ref=${encodeURIComponent(many)}` });
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe('registry_tls');
      expect(res.json().message).toContain(
        `mark it insecure in a registries.conf drop-in (e.g. /etc/containers/registries.conf.d/50-local.conf), as podman reads it too:\n[[registry]]\nlocation = "${env.registry}"\ninsecure = true\n`,
      );
    });
  });
});
