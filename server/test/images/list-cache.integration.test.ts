/**
 * GET /api/images against the real podman service, seen through a proxy that records every
 * request the daemon makes. podman 4.3's list has no architecture, so each image is inspected;
 * an image id's config never changes, so an id is inspected once. And a fresh daemon's first
 * listing does not wait for podman's facts (/version, /info), which take seconds when podman
 * is cold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSummary } from '@archdeck/shared';
import { buildTestApp, podmanClient, testEnv, type TestApp } from '../helper.js';
import { startPodmanProxy, type PodmanProxy } from '../podman-proxy.js';

const env = testEnv();
/** Undone last first: the daemon, then the proxy it talks through, then their directory. */
const undo: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of undo.splice(0).reverse()) await step();
});

/** A daemon on the proxy; `arrange` sets the proxy up before the daemon first reaches podman. */
async function proxied(
  arrange: (proxy: PodmanProxy) => void = () => undefined,
): Promise<{ t: TestApp; proxy: PodmanProxy }> {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-list-'));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  const proxy = await startPodmanProxy(env.socket, dir);
  undo.push(() => proxy.close());
  arrange(proxy);
  const t = await buildTestApp({ podmanSocket: proxy.socket });
  undo.push(() => t.app.close());
  return { t, proxy };
}

async function list(t: TestApp): Promise<ImageSummary[]> {
  const res = await t.api({ url: '/api/images' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ImageSummary[];
}

/** The ids the daemon inspected among `requests` (the engine inspects by `sha256:<id>`). */
const inspected = (requests: string[]) =>
  requests.flatMap(
    (r) => /^GET \/v[\d.]+\/images\/sha256:([a-f0-9]{64})\/json$/.exec(r)?.[1] ?? [],
  );

describe('GET /api/images', () => {
  it('inspects an image once: a listing after a change inspects only ids it has not seen', async () => {
    const { t, proxy } = await proxied();
    const first = await list(t);
    const target = first.find((i) => i.repoTags.length > 0);
    expect(target, 'the test environment holds a tagged image').toBeDefined();
    const once = (requests: string[]) => {
      const ids = inspected(requests);
      return first.map((i) => ids.filter((id) => id === i.id).length);
    };
    expect(once(proxy.requests)).toEqual(first.map(() => 1));

    // A change podman reports (a tag added): the list is read again, the inspects are not.
    const seen = proxy.requests.length;
    const repo = 'localhost/archdeck-test-list-cache';
    const tag = `t${Date.now()}`;
    const image = podmanClient().getImage(target!.id);
    await image.tag({ repo, tag });
    undo.unshift(() => podmanClient().getImage(`${repo}:${tag}`).remove());
    await expect
      .poll(async () => (await list(t)).find((i) => i.id === target!.id)?.repoTags)
      .toContain(`${repo}:${tag}`);
    const since = proxy.requests.slice(seen);
    expect(since.filter((r) => r.startsWith('GET /v1.41/images/json')).length).toBeGreaterThan(0);
    expect(once(since)).toEqual(first.map(() => 0));
  });

  it('answers the same list twice from one read of podman while nothing changes', async () => {
    const { t, proxy } = await proxied();
    // The list is kept once podman's event stream is open (a change before would go unseen).
    await expect.poll(() => t.app.engineEvents.live, { timeout: 15_000 }).toBe(true);
    const a = await t.api({ url: '/api/images' });
    const listings = proxy.requests.filter((r) => r.startsWith('GET /v1.41/images/json')).length;
    const b = await t.api({ url: '/api/images' });
    expect(b.statusCode).toBe(200);
    expect(b.body).toBe(a.body);
    expect(b.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(proxy.requests.filter((r) => r.startsWith('GET /v1.41/images/json')).length).toBe(
      listings,
    );
  });

  it("answers a fresh daemon's first listing without waiting for podman's facts", async () => {
    // podman 4.3 cold takes seconds for each; here, longer than a listing takes (and shorter
    // than the daemon's 15 s deadline for them, which would end them unanswered).
    const { t, proxy } = await proxied((p) => p.delay(/^\/v[\d.]+\/(version|info)$/, 10_000));
    const images = await list(t);
    expect(images.length).toBeGreaterThan(0);
    expect(proxy.pending(/^GET \/v[\d.]+\/(version|info)$/)).toBeGreaterThan(0);
    // Cut what is held back, so the daemon closes now rather than after the delay.
    await proxy.close();
  });
});
