/**
 * Deny by default, proved over every route the app registers (collected as they are
 * registered, so a route added tomorrow is in this table without anyone adding it): no
 * credential, a wrong Bearer or a wrong cookie, in every spelling of the path a router or a
 * proxy might read differently, never gets a 2xx or 3xx and never changes anything: not the
 * binfmt_misc entries, not the persisted handlers, not the data dir, not podman's containers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { HTTPMethods, RouteOptions } from 'fastify';
import { buildTestApp, podmanCli as podman, testEnv, type TestApp } from './helper.js';
import { entryText } from './emulators/fixtures.js';
import { tarArchive } from '../src/lib/tar.js';

const env = testEnv();
const VICTIM = `archdeck-authtest-${process.pid}`;
const ENTRY = 'qemu-archdeck-authtest';

const routes: Array<{ method: string; url: string }> = [];
let t: TestApp;
let binfmtRoot: string;
let confDir: string;
/** Where the app listens (a free port): injected requests name it as their Host too. */
let HOST: string;
let ORIGIN: string;

/** Everything a refused request could have changed, read back as text. */
async function snapshot(): Promise<string> {
  const files = async (dir: string) => {
    const out: string[] = [];
    for (const name of (await readdir(dir)).sort()) {
      out.push(`${name}=${await readFile(join(dir, name), 'utf8').catch(() => '<dir>')}`);
    }
    return out.join('\n');
  };
  // podman is shared with other test runs: what this test could have changed is its own
  // containers (the victim, or one it asked to create) and a pull started.
  const { stdout: containers } = await podman(
    'ps',
    '-a',
    '--filter',
    `name=${VICTIM}`,
    '--format',
    '{{.ID}} {{.Names}} {{.State}}',
  );
  return [
    await files(binfmtRoot),
    await files(confDir),
    (await readdir(t.config.dataDir)).sort().join(','),
    containers,
    JSON.stringify(t.app.pulls.jobs.list()),
    JSON.stringify(t.app.builds.jobs.list()),
    JSON.stringify(t.app.pushes.jobs.list()),
    JSON.stringify(await t.app.manifests.list()),
  ].join('\n---\n');
}

beforeAll(async () => {
  binfmtRoot = await mkdtemp(join(tmpdir(), 'archdeck-authtest-binfmt-'));
  await writeFile(join(binfmtRoot, 'status'), 'enabled\n');
  await writeFile(join(binfmtRoot, 'register'), '');
  await writeFile(join(binfmtRoot, ENTRY), entryText('debian-aarch64'));
  confDir = await mkdtemp(join(tmpdir(), 'archdeck-authtest-binfmt.d-'));
  await podman('create', '--name', VICTIM, '--arch', 'arm64', env.image, 'true');
  imageId = (await podman('inspect', '--format', '{{.Image}}', VICTIM)).stdout.trim();
  t = await buildTestApp(
    { podmanSocket: env.socket, binfmtRoot, binfmtConfDirs: [confDir] },
    process.env,
    {
      onRoute: (route: RouteOptions) => {
        const methods = ([] as HTTPMethods[]).concat(route.method);
        for (const method of methods) routes.push({ method, url: route.url });
      },
    },
  );
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  // The daemon's own check runs a probe container after it connects: not a change to watch for.
  await t.app.engine.settled();
  await t.app.containerCheck.idle();
  HOST = `127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  ORIGIN = `http://${HOST}`;
});

afterAll(async () => {
  await t.app.close();
  await podman('rm', '-f', VICTIM).catch(() => undefined);
  await rm(binfmtRoot, { recursive: true, force: true });
  await rm(confDir, { recursive: true, force: true });
});

/** A concrete path for a route pattern, aimed at the things this test watches. */
const concrete = (pattern: string) =>
  pattern
    .replace(/:name\b/g, ENTRY)
    .replace(/:arch\b/g, 'aarch64')
    .replace(/:[A-Za-z]+/g, VICTIM)
    .replace(/\*$/, 'index.html');

/** The same path as a router, a proxy or a browser might spell it. */
function spellings(path: string): string[] {
  const rest = path.slice('/api'.length);
  return [
    path,
    `/%61pi${rest}`,
    `/ap%69${rest}`,
    `/%2561pi${rest}`,
    `/%41%50%49${rest}`,
    `/%61Pi${rest}`,
    `//api${rest}`,
    `/API${rest}`,
    `/api/.${rest}`,
    `/api/%2e${rest}`,
    `/api;x${rest}`,
    `${path}/`,
    `/api%2F${rest.slice(1)}`,
    `/api%2f${rest.slice(1)}`,
    `/x/../api${rest}`,
  ];
}

const CREDENTIALS: Record<string, Record<string, string>> = {
  none: {},
  'wrong Bearer': { authorization: 'Bearer wrong-token-0123456789abcdef0123456789abcdef' },
  'empty Bearer': { authorization: 'Bearer ' },
  'Basic scheme': { authorization: 'Basic YXJjaGRlY2s6eA==' },
  'wrong cookie': { cookie: 'archdeck_session_8420=wrong', 'sec-fetch-site': 'same-origin' },
};

/** An image that is there, for bodies that name one. */
let imageId = '';

/** Bodies that would do something if they got through. */
const BODIES: Record<string, unknown> = {
  '/api/containers': { image: env.image, platform: 'linux/arm64', name: `${VICTIM}-new` },
  '/api/pulls': { ref: env.image, platform: 'linux/s390x' },
  '/api/emulators': {
    name: `${ENTRY}-new`,
    magic: '7f454c46',
    interpreter: '/usr/bin/true',
    flags: 'F',
  },
  '/api/manifests': () => ({ name: `${env.registry}/archdeck-authtest/list:1`, images: [imageId] }),
  '/api/manifests/:id/entries': () => ({ image: imageId }),
};

/** Requests whose body is not JSON: a build's context and its options in the query. */
const RAW: Record<string, { query: string; contentType: string; payload: Buffer }> = {
  '/api/builds': {
    query: `?tag=${VICTIM}-build:1&platforms=linux/amd64`,
    contentType: 'application/x-tar',
    payload: tarArchive([{ name: 'Containerfile', data: Buffer.from(`FROM ${env.image}\n`) }]),
  },
};

describe('every API route, every credential but the right one, every spelling', () => {
  it('collected the routes as they were registered', () => {
    const api = routes.filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(25);
    expect(api).toContainEqual({ method: 'GET', url: '/api/terminal' });
    expect(api).toContainEqual({ method: 'DELETE', url: '/api/containers/:id' });
  });

  it('never answers 2xx or 3xx, and changes nothing', async () => {
    const before = await snapshot();
    const passed: string[] = [];
    for (const route of routes) {
      const path = concrete(route.url);
      // Public API routes answer without a credential by design (liveness, the login form),
      // and the UI's files are public; they get their own tests.
      const open = ['/api/health', '/api/session'].includes(path) || !path.startsWith('/api/');
      if (open) continue;
      const raw = route.method === 'POST' ? RAW[route.url] : undefined;
      for (const spelling of spellings(path)) {
        const url = spelling + (raw?.query ?? '');
        for (const [label, headers] of Object.entries(CREDENTIALS)) {
          const body = BODIES[route.url];
          const payload = raw?.payload ?? (typeof body === 'function' ? body() : (body ?? {}));
          const res = await t.app.inject({
            method: route.method as HTTPMethods,
            url,
            headers: {
              host: HOST,
              origin: ORIGIN,
              ...headers,
              ...(route.method === 'GET' || route.method === 'HEAD'
                ? {}
                : { 'content-type': raw?.contentType ?? 'application/json' }),
            },
            ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload }),
          });
          if (res.statusCode < 400)
            passed.push(`${route.method} ${url} [${label}] → ${res.statusCode}`);
        }
      }
    }
    expect(passed).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('refuses the encoded spelling over a real socket as well', async () => {
    const port = Number(HOST.split(':')[1]);
    const status = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'GET',
            headers: { host: `127.0.0.1:${port}`, ...headers },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/%61pi/containers', '/ap%69/images', '/%2561pi/pulls', '//api/presets']) {
      expect(await status(path, {})).toBe(401);
      expect(await status(path, CREDENTIALS['wrong Bearer']!)).toBe(401);
    }
    // The right token still works in any spelling the router accepts.
    expect(await status('/%61pi/containers', { authorization: `Bearer ${t.token}` })).toBe(200);
  });

  it('a wrong Bearer is refused on public routes too', async () => {
    for (const url of ['/api/health', '/api/session', '/', '/containers']) {
      const res = await t.app.inject({
        url,
        headers: { host: HOST, ...CREDENTIALS['wrong Bearer'] },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  it('the UI stays public, and a path that only resembles the API never gets the UI', async () => {
    const ui = await t.app.inject({ url: '/containers', headers: { host: HOST } });
    expect(ui.statusCode).not.toBe(401);
    for (const url of ['/API/containers', '//api/containers', '/api/./containers', '/%2561pi/x']) {
      const res = await t.app.inject({ url, headers: { host: HOST } });
      expect(res.statusCode).toBe(401);
      const signedIn = await t.api({ url, headers: { host: HOST } });
      // The route itself (inject resolves dot segments), a 404 from the not-found handler or
      // a 403 from the files plugin refusing a dot segment: JSON, never the UI's page.
      expect(signedIn.headers['content-type'], url).toMatch(/^application\/json/);
    }
  });
});
