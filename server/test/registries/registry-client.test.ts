/**
 * The registry client against the real loopback registry of `scripts/testenv.sh up`, and against
 * small node:http servers that behave like Docker Hub (Bearer challenge, token service, CDN
 * redirects), like a private registry (Basic or Bearer with credentials) or like a broken
 * registry (stalls, oversized bodies, schema 1). All requests are real HTTP; fetch is never
 * mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { parseReference } from '../../src/images/reference.js';
import { findRegistry, loadRegistriesConf } from '../../src/registries/config.js';
import {
  checkLogin,
  inspectRemote,
  listTags,
  MEDIA_TYPES,
  nextPageOf,
  parseWwwAuthenticate,
  platformManifest,
  readManifest,
  RegistryError,
  TAGS_PAGE_SIZE,
  type RegistryErrorKind,
} from '../../src/registries/registry-client.js';

const run = promisify(execFile);
const sha256 = (data: string | Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Resolves to the RegistryError inspectRemote failed with; fails the test if it succeeded. */
async function failure(promise: Promise<unknown>, kind: RegistryErrorKind): Promise<RegistryError> {
  const err = await promise.then(
    (value) => {
      throw new Error(`expected a ${kind} RegistryError, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RegistryError);
  expect((err as RegistryError).kind, (err as Error).message).toBe(kind);
  return err as RegistryError;
}

// --- WWW-Authenticate --------------------------------------------------------------------------

describe('parseWwwAuthenticate', () => {
  it("parses Docker Hub's challenge", () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull',
        },
      },
    ]);
  });

  it('keeps commas, equals signs and escaped quotes inside quoted values', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://t.example/a,b?x=1" , Scope="repository:a/b:pull,push", error="say \\"hi\\"",service=reg',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://t.example/a,b?x=1',
          scope: 'repository:a/b:pull,push',
          error: 'say "hi"',
          service: 'reg',
        },
      },
    ]);
  });

  it('separates several challenges in one header', () => {
    expect(
      parseWwwAuthenticate('Basic realm="registry", Bearer realm="https://t/token",, service="s"'),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'registry' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 's' } },
    ]);
  });

  it('survives junk without looping', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer')).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([
      { scheme: 'bearer', params: { realm: 'unterminated' } },
    ]);
    const junk = '=,"\\'.repeat(5000);
    expect(Array.isArray(parseWwwAuthenticate(junk))).toBe(true);
  });
});

// --- Docker-Hub-like servers -------------------------------------------------------------------

interface Listening {
  server: Server;
  host: string;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` } as Listening;
}

async function close({ server }: Listening) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const TOKEN = 'anonymous-token-123';
const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
};

const CONFIG = JSON.stringify({ architecture: 'arm', os: 'linux', variant: 'v7', rootfs: {} });
const SINGLE = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.dockerManifest,
  config: { mediaType: MEDIA_TYPES.dockerConfig, size: CONFIG.length, digest: sha256(CONFIG) },
  layers: [],
});
const d = (n: number) => `sha256:${String(n).repeat(64)}`;
// What BuildKit pushes: images, attestations (unknown/unknown), and an artifact without platform.
const LIST = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.dockerList,
  manifests: [
    {
      mediaType: MEDIA_TYPES.dockerManifest,
      digest: d(1),
      size: 525,
      platform: { architecture: 'amd64', os: 'linux' },
    },
    {
      mediaType: MEDIA_TYPES.dockerManifest,
      digest: d(2),
      size: 526,
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
    },
    {
      mediaType: MEDIA_TYPES.dockerManifest,
      digest: d(3),
      size: 527,
      platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
    },
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: d(4),
      size: 566,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': d(1),
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    },
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: d(5),
      size: 566,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: d(6),
      size: 400,
      artifactType: 'application/spdx+json',
    },
    {
      mediaType: MEDIA_TYPES.dockerManifest,
      digest: d(7),
      size: 528,
      platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1' },
    },
  ],
});

describe('inspectRemote against a Docker-Hub-like registry', () => {
  let hub: Listening;
  let cdn: Listening;
  let registry: string;
  const tokenRequests: URLSearchParams[] = [];
  const registryAuth: (string | undefined)[] = [];
  const cdnAuth: (string | undefined)[] = [];
  const opts = () => ({ insecure: true, timeoutMs: 5000 });
  const ref = (name: string) => parseReference(`${registry}/${name}`);

  beforeAll(async () => {
    cdn = await listen((req, res) => {
      cdnAuth.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(CONFIG);
    });
    hub = await listen((req, res) => {
      const url = new URL(req.url!, `http://${hub.host}`);
      if (url.pathname === '/token') {
        tokenRequests.push(url.searchParams);
        const scope = url.searchParams.get('scope') ?? '';
        if (
          url.searchParams.get('service') !== 'fake-hub' ||
          !/^repository:[a-z/]+:pull(,push)?$/.test(scope)
        ) {
          return json(res, 401, { details: 'incorrect service or scope' });
        }
        return json(res, 200, { token: TOKEN, expires_in: 300 });
      }
      const [, repo = '', kind = '', target = ''] =
        /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname) ?? [];
      const [namespace, name] = repo.split('/');
      // Everything under library/ and private/ needs a token, as on Docker Hub.
      if (namespace === 'library' || namespace === 'private' || namespace === 'commas') {
        registryAuth.push(req.headers.authorization);
        if (req.headers.authorization !== `Bearer ${TOKEN}` || namespace === 'private') {
          const scope =
            namespace === 'commas' ? `repository:${repo}:pull,push` : `repository:${repo}:pull`;
          return json(
            res,
            401,
            { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: [] }] },
            {
              'www-authenticate': `Bearer realm="http://${hub.host}/token",service="fake-hub",scope="${scope}"`,
            },
          );
        }
      }
      if (kind === 'blobs' && target === sha256(CONFIG)) {
        res.writeHead(307, { location: `http://${cdn.host}/blobs/${target}` });
        return res.end();
      }
      switch (`${name}/${kind}`) {
        case 'list/manifests':
        case 'app/manifests':
          // No Docker-Content-Digest: the client must hash the bytes itself.
          res.writeHead(200, { 'content-type': MEDIA_TYPES.dockerList });
          return res.end(LIST);
        case 'single/manifests':
          res.writeHead(200, {
            'content-type': MEDIA_TYPES.dockerManifest,
            'docker-content-digest': sha256(SINGLE),
          });
          return res.end(SINGLE);
        case 'liar/manifests':
          res.writeHead(200, { 'content-type': MEDIA_TYPES.dockerList });
          return res.end(LIST);
        case 'schema1/manifests':
          res.writeHead(200, {
            'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws',
          });
          return res.end(
            JSON.stringify({ schemaVersion: 1, name: 'schema1', tag: 'old', fsLayers: [] }),
          );
        case 'helm/manifests': {
          const helm = JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA_TYPES.ociManifest,
            config: {
              mediaType: 'application/vnd.cncf.helm.config.v1+json',
              size: 2,
              digest: sha256('{}'),
            },
            layers: [],
          });
          res.writeHead(200, { 'content-type': MEDIA_TYPES.ociManifest });
          return res.end(helm);
        }
        case 'silent/manifests':
          return; // never answers
        case 'stall/manifests':
          res.writeHead(200, { 'content-type': MEDIA_TYPES.ociIndex, 'content-length': '5000' });
          res.write('{"schemaVersion":2,');
          return; // headers and a little body, then nothing
        case 'huge/manifests':
          res.writeHead(200, {
            'content-type': MEDIA_TYPES.ociIndex,
            'content-length': String(64 << 20),
          });
          res.write('{');
          return; // announces 64 MiB, sends one byte
        case 'endless/manifests': {
          // Chunked: no Content-Length to go by.
          res.writeHead(200, { 'content-type': MEDIA_TYPES.ociIndex });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          for (let i = 0; i < 32; i++) res.write(chunk);
          return res.end();
        }
        case 'loop/manifests':
          res.writeHead(307, { location: url.pathname });
          return res.end();
        case 'upgrade/manifests':
          res.writeHead(302, { location: `https://${hub.host}/elsewhere` });
          return res.end();
        case 'basic/manifests':
          res.writeHead(401, {
            'www-authenticate': 'Basic realm="fake"',
            'content-type': 'text/plain',
          });
          return res.end('login first');
        case 'broken/manifests':
          return json(res, 503, {
            errors: [{ code: 'UNAVAILABLE', message: 'storage backend down' }],
          });
        default:
          return json(res, 404, {
            errors: [
              { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: target } },
            ],
          });
      }
    });
    registry = hub.host;
  });

  afterAll(async () => {
    await close(hub);
    await close(cdn);
  });

  it('fetches an anonymous token and reads a manifest list, dropping attestations', async () => {
    tokenRequests.length = 0;
    registryAuth.length = 0;
    const image = await inspectRemote(ref('library/app:1.0'), opts());
    expect(image).toEqual({
      reference: `${registry}/library/app:1.0`,
      mediaType: MEDIA_TYPES.dockerList,
      digest: sha256(LIST),
      multiArch: true,
      platforms: [
        {
          os: 'linux',
          architecture: 'amd64',
          variant: null,
          digest: d(1),
          size: 525,
          mediaType: MEDIA_TYPES.dockerManifest,
        },
        {
          os: 'linux',
          architecture: 'arm64',
          variant: null,
          digest: d(2),
          size: 526,
          mediaType: MEDIA_TYPES.dockerManifest,
        },
        {
          os: 'linux',
          architecture: 'arm',
          variant: 'v7',
          digest: d(3),
          size: 527,
          mediaType: MEDIA_TYPES.dockerManifest,
        },
        {
          os: 'windows',
          architecture: 'amd64',
          variant: null,
          digest: d(7),
          size: 528,
          mediaType: MEDIA_TYPES.dockerManifest,
        },
      ],
    });
    expect(tokenRequests.map((q) => Object.fromEntries(q))).toEqual([
      { service: 'fake-hub', scope: 'repository:library/app:pull' },
    ]);
    expect(registryAuth).toEqual([undefined, `Bearer ${TOKEN}`]);
  });

  it('passes a scope with commas through unchanged', async () => {
    tokenRequests.length = 0;
    const image = await inspectRemote(ref('commas/list:1'), opts());
    expect(image.platforms).toHaveLength(4);
    expect(tokenRequests.map((q) => q.get('scope'))).toEqual(['repository:commas/list:pull,push']);
  });

  it("reads a single manifest's platform from its config, without sending the token to the CDN", async () => {
    registryAuth.length = 0;
    cdnAuth.length = 0;
    const image = await inspectRemote(ref('library/single:1'), opts());
    expect(image).toEqual({
      reference: `${registry}/library/single:1`,
      mediaType: MEDIA_TYPES.dockerManifest,
      digest: sha256(SINGLE),
      multiArch: false,
      platforms: [
        {
          os: 'linux',
          architecture: 'arm',
          variant: 'v7',
          digest: sha256(SINGLE),
          size: SINGLE.length,
          mediaType: MEDIA_TYPES.dockerManifest,
        },
      ],
    });
    // manifest (401), manifest (token), blob (token) → 307 to the CDN, which gets no token.
    expect(registryAuth).toEqual([undefined, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(cdnAuth).toEqual([undefined]);
  });

  it('reports a 401 after the token as unauthorized, with the registry message', async () => {
    const err = await failure(inspectRemote(ref('private/app:1'), opts()), 'unauthorized');
    expect(err.registryMessage).toBe('authentication required');
    expect(err.message).toContain(
      `${registry} refused anonymous access to the manifest "private/app:1"`,
    );
    expect(err.message).toContain('authentication required');
    expect(err.message).toContain('may be private, or may not exist');
  });

  it('reports a refused token as unauthorized, with the token service message', async () => {
    // The fake token service only grants scopes of lowercase letters and '/'.
    const err = await failure(inspectRemote(ref('library/bad_scope:1'), opts()), 'unauthorized');
    expect(err.message).toContain('refused an anonymous token');
    expect(err.registryMessage).toBe('incorrect service or scope');
  });

  it('reports a Basic-only challenge as unauthorized', async () => {
    const err = await failure(inspectRemote(ref('x/basic:1'), opts()), 'unauthorized');
    expect(err.message).toContain('refused anonymous access');
  });

  it('maps a 404 with MANIFEST_UNKNOWN to not_found', async () => {
    const err = await failure(inspectRemote(ref('x/nothing:9'), opts()), 'not_found');
    expect(err.registryMessage).toBe('manifest unknown');
    expect(err.message).toBe(
      `the manifest "x/nothing:9" was not found in ${registry}: manifest unknown. Check the repository name and the tag or digest`,
    );
  });

  it('times out on a registry that never answers', async () => {
    const err = await failure(
      inspectRemote(ref('x/silent:1'), { ...opts(), timeoutMs: 300 }),
      'timeout',
    );
    expect(err.message).toContain(`${registry} did not answer within 300 ms`);
  });

  it('times out on a body that stops halfway', async () => {
    await failure(inspectRemote(ref('x/stall:1'), { ...opts(), timeoutMs: 300 }), 'timeout');
  });

  it('refuses an announced body over the cap without reading it', async () => {
    // A 5 s deadline: waiting for the body would end in a timeout, not too_large.
    const err = await failure(inspectRemote(ref('x/huge:1'), opts()), 'too_large');
    expect(err.message).toContain(`is ${64 << 20} bytes, over the 4194304-byte limit`);
  });

  it('stops reading a chunked body at the cap', async () => {
    const err = await failure(
      inspectRemote(ref('x/endless:1'), { ...opts(), maxManifestBytes: 100_000 }),
      'too_large',
    );
    expect(err.message).toContain('larger than the 100000-byte limit; stopped reading it');
  });

  it('rejects schema 1 manifests with a way out', async () => {
    const err = await failure(inspectRemote(ref('x/schema1:old'), opts()), 'bad_response');
    expect(err.message).toContain('Docker schema 1 manifest format');
    expect(err.message).toContain('re-push the image');
  });

  it('rejects artifacts that are not container images', async () => {
    const err = await failure(inspectRemote(ref('x/helm:1'), opts()), 'bad_response');
    expect(err.message).toContain('is not a container image');
  });

  it('checks content against a digest reference', async () => {
    const err = await failure(inspectRemote(ref(`x/liar@${d(9)}`), opts()), 'bad_response');
    expect(err.message).toBe(`${registry} sent a manifest that does not match ${d(9)}`);
  });

  it('follows a limited number of redirects', async () => {
    const loop = await failure(inspectRemote(ref('x/loop:1'), opts()), 'bad_response');
    expect(loop.message).toContain('redirected more than 5 times');
    // A redirect from http to https is followed (the fake then fails the TLS handshake).
    await failure(inspectRemote(ref('x/upgrade:1'), opts()), 'tls');
  });

  it('reports server errors as bad_response with the registry message', async () => {
    const err = await failure(inspectRemote(ref('x/broken:1'), opts()), 'bad_response');
    expect(err.registryMessage).toBe('storage backend down');
    expect(err.message).toContain('failed with HTTP 503');
  });
});

// --- private registries ------------------------------------------------------------------------

describe('a private registry, with the credentials of auth.json', () => {
  const alice = { username: 'alice', password: 's3cret', file: '/run/containers/0/auth.json' };
  const basicOf = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const seen: { path: string; authorization: string | undefined }[] = [];
  let basic: Listening;
  let bearer: Listening;
  let open: Listening;

  /** Serves the single-platform image when `allowed`; false (nothing sent) otherwise. */
  const serveImage = (req: IncomingMessage, res: ServerResponse, allowed: boolean) => {
    if (!allowed) return false;
    const { pathname } = new URL(req.url!, 'http://x');
    if (pathname === '/v2/') {
      json(res, 200, {});
    } else if (pathname.endsWith('/manifests/1')) {
      res.writeHead(200, { 'content-type': MEDIA_TYPES.dockerManifest });
      res.end(SINGLE);
    } else if (pathname.endsWith(`/blobs/${sha256(CONFIG)}`)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(CONFIG);
    } else {
      json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    }
    return true;
  };

  beforeAll(async () => {
    // distribution's htpasswd auth: a Basic challenge and no token service.
    basic = await listen((req, res) => {
      seen.push({ path: req.url!, authorization: req.headers.authorization });
      if (serveImage(req, res, req.headers.authorization === basicOf('alice', 's3cret'))) return;
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] },
        { 'www-authenticate': 'Basic realm="archdeck-test"' },
      );
    });
    // A token service that takes the login as Basic, as Docker Hub's and quay.io's do.
    bearer = await listen((req, res) => {
      const url = new URL(req.url!, `http://${bearer.host}`);
      seen.push({ path: req.url!, authorization: req.headers.authorization });
      if (url.pathname === '/token') {
        if (req.headers.authorization !== basicOf('alice', 's3cret')) {
          return json(res, 401, { details: 'incorrect username or password' });
        }
        return json(res, 200, { token: 'alice-token' });
      }
      if (serveImage(req, res, req.headers.authorization === 'Bearer alice-token')) return;
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': `Bearer realm="http://${bearer.host}/token",service="private"${url.pathname === '/v2/' ? '' : ',scope="repository:team/single:pull"'}`,
        },
      );
    });
    open = await listen((req, res) => void serveImage(req, res, true));
  });
  afterAll(async () => {
    await close(basic);
    await close(bearer);
    await close(open);
  });

  const ref = (l: Listening) => parseReference(`${l.host}/team/single:1`);

  it('answers a Basic challenge with the stored login', async () => {
    seen.length = 0;
    const image = await inspectRemote(ref(basic), { insecure: true, credentials: alice });
    expect(image.platforms.map((p) => p.architecture)).toEqual(['arm']);
    // Nothing is sent before the registry asks for it.
    expect(seen[0]!.authorization).toBeUndefined();
    expect(seen.slice(1).every((r) => r.authorization === basicOf('alice', 's3cret'))).toBe(true);
  });

  it('says to log in when there is no login, and what keeps one from being used', async () => {
    const err = await failure(
      inspectRemote(ref(basic), {
        insecure: true,
        credentialsNote: '. /root/.docker/config.json names the credential helper "pass"',
      }),
      'unauthorized',
    );
    expect(err.message).toContain(`${basic.host} refused anonymous access`);
    expect(err.message).toContain(`log in to ${basic.host} (Registries page, or podman login`);
    expect(err.message).toContain('credential helper "pass"');
  });

  it('names the user and the file of a login the registry refuses', async () => {
    const err = await failure(
      inspectRemote(ref(basic), { insecure: true, credentials: { ...alice, password: 'old' } }),
      'unauthorized',
    );
    expect(err.registryMessage).toBe('authentication required');
    expect(err.message).toContain(
      `${basic.host} refused the manifest "team/single:1" to "alice" (stored in /run/containers/0/auth.json) (HTTP 401: authentication required)`,
    );
    expect(err.message).toContain('log in to');
  });

  it('gets a Bearer token with the login, then reads with the token', async () => {
    seen.length = 0;
    await inspectRemote(ref(bearer), { insecure: true, credentials: alice });
    const token = seen.find((r) => r.path.startsWith('/token'))!;
    expect(token.authorization).toBe(basicOf('alice', 's3cret'));
    const params = new URL(token.path, 'http://x').searchParams;
    expect(params.get('account')).toBe('alice');
    expect(params.get('scope')).toBe('repository:team/single:pull');
    expect(params.get('service')).toBe('private');
  });

  it("reports a token service refusing the login in the token service's words", async () => {
    const err = await failure(
      inspectRemote(ref(bearer), { insecure: true, credentials: { ...alice, password: 'x' } }),
      'unauthorized',
    );
    expect(err.registryMessage).toBe('incorrect username or password');
    expect(err.message).toContain('refused the credentials of "alice"');
  });

  describe('checkLogin, as podman login checks', () => {
    it('accepts a good login against Basic and Bearer registries', async () => {
      expect(await checkLogin(basic.host, { insecure: true, credentials: alice })).toEqual({
        checked: true,
      });
      seen.length = 0;
      expect(await checkLogin(bearer.host, { insecure: true, credentials: alice })).toEqual({
        checked: true,
      });
      // A login asks for a token for no repository.
      const token = seen.find((r) => r.path.startsWith('/token'))!;
      expect(new URL(token.path, 'http://x').searchParams.has('scope')).toBe(false);
    });

    it("refuses a wrong password with the registry's words", async () => {
      const err = await failure(
        checkLogin(basic.host, { insecure: true, credentials: { ...alice, password: 'wrong' } }),
        'unauthorized',
      );
      expect(err.message).toBe(
        `${basic.host} refused the login of "alice": authentication required. Check the user name and password`,
      );
      const token = await failure(
        checkLogin(bearer.host, { insecure: true, credentials: { ...alice, password: 'wrong' } }),
        'unauthorized',
      );
      expect(token.registryMessage).toBe('incorrect username or password');
    });

    it('cannot check a login with a registry that asks for none', async () => {
      expect(await checkLogin(open.host, { insecure: true, credentials: alice })).toEqual({
        checked: false,
      });
    });
  });
});

// --- tags pages ----------------------------------------------------------------------------------

describe('nextPageOf', () => {
  const base = new URL('http://registry.test:5000/v2/a/tags/list?n=100');

  it('resolves a relative next link against the page it came with', () => {
    expect(nextPageOf('</v2/a/tags/list?n=100&last=b%2Fc>; rel="next"', base)?.href).toBe(
      'http://registry.test:5000/v2/a/tags/list?n=100&last=b%2Fc',
    );
  });

  it('picks rel=next among several links, quoted or not', () => {
    expect(
      nextPageOf('</v2/a/tags/list?n=1>; rel="prev", </v2/a/tags/list?n=2&last=x>; rel=next', base)
        ?.search,
    ).toBe('?n=2&last=x');
    expect(nextPageOf('</v2/a/tags/list?n=1>; rel="prev"', base)).toBeNull();
    expect(nextPageOf(null, base)).toBeNull();
  });

  it('refuses a next page on another host, where the token would follow', () => {
    expect(() =>
      nextPageOf('<http://elsewhere.test/v2/a/tags/list?last=b>; rel="next"', base),
    ).toThrow(/pointed the next page of tags to another host \(elsewhere\.test\)/);
  });
});

describe('listTags against registries that paginate badly', () => {
  let server: Listening;
  const requests: string[] = [];
  const tags = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `v${String(from + i).padStart(4, '0')}`);

  beforeAll(async () => {
    server = await listen((req, res) => {
      const url = new URL(req.url!, `http://${server.host}`);
      requests.push(`${url.pathname}${url.search}`);
      const name = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1];
      switch (name) {
        case 'loop/app':
          // Always the same page, always pointing at itself.
          return json(
            res,
            200,
            { name, tags: tags(0, 3) },
            { link: `<${url.pathname}${url.search}>; rel="next"` },
          );
        case 'full/app':
          // Full pages without a Link header, ignoring `last`: the client must stop by itself.
          return json(res, 200, { name, tags: tags(0, TAGS_PAGE_SIZE) });
        case 'empty/app':
          // What distribution answers once every tag of a repository was deleted.
          return json(res, 200, { name, tags: null });
        case 'broken/app':
          return json(res, 200, { name, tags: 'v1' });
        default:
          return json(res, 404, {
            errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
          });
      }
    });
  });
  afterAll(() => close(server));

  const list = (repository: string) =>
    listTags(parseReference(`${server.host}/${repository}`), {
      insecure: true,
      timeoutMs: 5000,
    });

  it('stops when a registry sends the same page again', async () => {
    requests.length = 0;
    expect(await list('loop/app')).toEqual({
      repository: `${server.host}/loop/app`,
      tags: tags(0, 3),
      truncated: false,
    });
    expect(requests).toEqual([`/v2/loop/app/tags/list?n=${TAGS_PAGE_SIZE}`]);
  });

  it('stops when a full page brings no new tag', async () => {
    requests.length = 0;
    expect((await list('full/app')).tags).toEqual(tags(0, TAGS_PAGE_SIZE));
    expect(requests).toHaveLength(2);
  });

  it('reads `"tags": null` as no tags', async () => {
    expect((await list('empty/app')).tags).toEqual([]);
  });

  it('refuses a tags list that is not a list', async () => {
    const err = await failure(list('broken/app'), 'bad_response');
    expect(err.message).toBe('the tags of "broken/app" came without a "tags" list');
  });

  it('says which repository is missing, and what to check', async () => {
    const err = await failure(list('gone/app'), 'not_found');
    expect(err.message).toBe(
      `the repository "gone/app" was not found in ${server.host}: repository name not known to registry. Check the repository name`,
    );
  });
});

// --- the loopback registry ----------------------------------------------------------------------

/** The registry `scripts/testenv.sh up` started; these tests fail, never skip, without it. */
function registryEnv() {
  const { ARCHDECK_TEST_REGISTRY, ARCHDECK_TEST_IMAGE, ARCHDECK_TEST_REGISTRIES_CONF } =
    process.env;
  if (!ARCHDECK_TEST_REGISTRY || !ARCHDECK_TEST_IMAGE || !ARCHDECK_TEST_REGISTRIES_CONF) {
    throw new Error(
      'The test environment is not up: run `bash scripts/testenv.sh up` and source its env file (npm test does both).',
    );
  }
  return {
    registry: ARCHDECK_TEST_REGISTRY,
    image: ARCHDECK_TEST_IMAGE,
    registriesConf: ARCHDECK_TEST_REGISTRIES_CONF,
  };
}

interface IndexJson {
  manifests: {
    digest: string;
    size: number;
    mediaType: string;
    platform: { os: string; architecture: string };
  }[];
}

describe('inspectRemote against the loopback registry', () => {
  let env: ReturnType<typeof registryEnv>;
  let raw: Buffer;
  // What registries.conf says of the loopback registry: plain HTTP.
  const insecure = { insecure: true };
  const skopeo = (...args: string[]) =>
    run('skopeo', args, {
      encoding: 'buffer',
      env: { ...process.env, CONTAINERS_REGISTRIES_CONF: env.registriesConf },
    }).then((r) => r.stdout);
  // Fixed names: the registry has no delete, so each run overwrites the same two tags.
  const single = (tag: string) => `${env.registry}/archdeck-test/registry-client:${tag}`;

  beforeAll(async () => {
    env = registryEnv();
    raw = await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${env.image}`);
    const copy = (arch: string, tag: string, ...format: string[]) =>
      skopeo(
        'copy',
        '--quiet',
        '--override-arch',
        arch,
        ...format,
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${env.image}`,
        `docker://${single(tag)}`,
      );
    await copy('arm64', 'arm64-oci');
    await copy('s390x', 's390x-docker', '--format', 'v2s2');
  });

  it('finds the test registry insecure in the real registries.conf', async () => {
    const conf = await loadRegistriesConf({
      registriesConf: env.registriesConf,
      registriesConfDirs: [],
      shortNameAliasesConf: '/nonexistent',
    });
    expect(findRegistry(conf, `${env.registry}/library/busybox`)?.insecure).toBe(true);
  });

  it('lists the four platforms of the test image, as skopeo sees them', async () => {
    const index = JSON.parse(raw.toString('utf8')) as IndexJson;
    const image = await inspectRemote(parseReference(env.image), insecure);
    expect(image).toEqual({
      reference: env.image,
      mediaType: MEDIA_TYPES.ociIndex,
      digest: sha256(raw),
      multiArch: true,
      platforms: index.manifests.map((m) => ({
        os: 'linux',
        architecture: m.platform.architecture,
        variant: null,
        digest: m.digest,
        size: m.size,
        mediaType: MEDIA_TYPES.ociManifest,
      })),
    });
    expect(image.platforms.map((p) => p.architecture)).toEqual([
      'amd64',
      'arm64',
      'ppc64le',
      's390x',
    ]);

    // The same index by digest.
    const byDigest = await inspectRemote(
      parseReference(`${env.registry}/library/busybox@${image.digest}`),
      insecure,
    );
    expect(byDigest.platforms).toEqual(image.platforms);
    expect(byDigest.reference).toBe(`${env.registry}/library/busybox@${image.digest}`);
  });

  it('reads the platform of a single-architecture OCI manifest from its config', async () => {
    const index = JSON.parse(raw.toString('utf8')) as IndexJson;
    const arm64 = index.manifests.find((m) => m.platform.architecture === 'arm64')!;
    const image = await inspectRemote(parseReference(single('arm64-oci')), insecure);
    expect(image).toEqual({
      reference: single('arm64-oci'),
      mediaType: MEDIA_TYPES.ociManifest,
      // skopeo copied the arm64 manifest unchanged, so it keeps its digest from the index.
      digest: arm64.digest,
      multiArch: false,
      platforms: [
        {
          os: 'linux',
          architecture: 'arm64',
          variant: null,
          digest: arm64.digest,
          size: arm64.size,
          mediaType: MEDIA_TYPES.ociManifest,
        },
      ],
    });
  });

  it('reads a Docker v2 schema 2 manifest', async () => {
    const manifest = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${single('s390x-docker')}`,
    );
    const image = await inspectRemote(parseReference(single('s390x-docker')), insecure);
    expect(image.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(image.digest).toBe(sha256(manifest));
    expect(image.platforms).toEqual([
      {
        os: 'linux',
        architecture: 's390x',
        variant: null,
        digest: sha256(manifest),
        size: manifest.length,
        mediaType: MEDIA_TYPES.dockerManifest,
      },
    ]);
  });

  it('reads the platform manifest a pull gets, as skopeo sees it', async () => {
    const index = JSON.parse(raw.toString('utf8')) as IndexJson;
    const s390x = index.manifests.find((m) => m.platform.architecture === 's390x')!;
    const bytes = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${env.registry}/library/busybox@${s390x.digest}`,
    );
    const manifest = JSON.parse(bytes.toString('utf8')) as {
      config: { digest: string; size: number; mediaType: string };
      layers: Array<{ digest: string; size: number; mediaType: string }>;
    };
    const opts = insecure;
    const expected = {
      digest: sha256(bytes),
      mediaType: MEDIA_TYPES.ociManifest,
      config: manifest.config,
      layers: manifest.layers,
    };
    expect(expected.digest).toBe(s390x.digest);
    expect(
      await platformManifest(
        parseReference(env.image),
        { os: 'linux', arch: 's390x', variant: null },
        opts,
      ),
    ).toEqual({ index: sha256(raw), manifest: expected });
    // A single-platform reference is its own platform manifest, whatever is asked.
    expect(
      await platformManifest(
        parseReference(`${env.registry}/library/busybox@${s390x.digest}`),
        { os: 'linux', arch: 'arm64', variant: null },
        opts,
      ),
    ).toEqual({ index: null, manifest: expected });
    expect(await readManifest(parseReference(env.image), opts)).toEqual({
      kind: 'index',
      digest: sha256(raw),
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: index.manifests.map((m) => m.digest),
    });

    const err = await failure(
      platformManifest(
        parseReference(env.image),
        { os: 'linux', arch: 'riscv64', variant: null },
        opts,
      ),
      'not_found',
    );
    expect(err.message).toBe('the manifest "library/busybox:1.36" has no image for linux/riscv64');
  });

  it('reports a missing tag as not_found with the registry message', async () => {
    const err = await failure(
      inspectRemote(parseReference(`${env.registry}/library/busybox:no-such-tag`), insecure),
      'not_found',
    );
    expect(err.registryMessage).toBe('manifest unknown');
    expect(err.message).toBe(
      `the manifest "library/busybox:no-such-tag" was not found in ${env.registry}: manifest unknown. Check the repository name and the tag or digest`,
    );
  });

  it('reports a missing repository as not_found', async () => {
    // distribution 2.8 answers MANIFEST_UNKNOWN here too, not NAME_UNKNOWN.
    const err = await failure(
      inspectRemote(parseReference(`${env.registry}/archdeck-test/no-such-repo:1`), insecure),
      'not_found',
    );
    expect(err.message).toContain(
      `"archdeck-test/no-such-repo:1" was not found in ${env.registry}`,
    );
  });

  it('reports a closed port as unreachable', async () => {
    const { server, host } = await listen(() => undefined);
    await close({ server, host });
    const err = await failure(
      inspectRemote(parseReference(`${host}/library/busybox:1.36`), { insecure: true }),
      'unreachable',
    );
    expect(err.message).toBe(
      `cannot reach ${host}: it refused the connection. The registry may be offline, or the name "${host}" may be wrong`,
    );
  });

  it('says how to reach a registry whose name does not resolve (no internet access): a mirror', async () => {
    // .invalid never resolves (RFC 6761).
    const err = await failure(
      inspectRemote(parseReference('registry.invalid/library/busybox:1.36'), {}),
      'unreachable',
    );
    expect(err.message).toMatch(/^cannot reach registry\.invalid: the name does not resolve/);
    expect(err.message).toContain('[[registry.mirror]] location = "<your mirror>"');
  });

  it('explains HTTPS to a plain-HTTP registry that is not marked insecure', async () => {
    const err = await failure(inspectRemote(parseReference(env.image), {}), 'tls');
    expect(err.message).toContain(
      `the TLS handshake with ${env.registry} failed (wrong version number). `,
    );
    expect(err.message).toContain(
      `If ${env.registry} is a local registry that speaks plain HTTP, mark it insecure in a registries.conf drop-in (e.g. /etc/containers/registries.conf.d/50-local.conf), as podman reads it too:\n[[registry]]\nlocation = "${env.registry}"\ninsecure = true\nthen restart archdeck, whose podman service reads registries.conf when it starts.`,
    );
  });

  it('refuses an index over the size cap', async () => {
    const err = await failure(
      inspectRemote(parseReference(env.image), {
        ...insecure,
        maxManifestBytes: 100,
      }),
      'too_large',
    );
    expect(err.message).toBe(
      `the manifest "library/busybox:1.36" is ${raw.length} bytes, over the 100-byte limit; refusing to read it`,
    );
  });
});
