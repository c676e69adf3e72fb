import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { WebSocket } from 'ws';
import { loadOrCreateToken } from '../src/auth/token.js';
import { AppError } from '../src/lib/errors.js';
import errors from '../src/plugins/errors.js';
import requestSignal from '../src/plugins/request-signal.js';
import { BIN } from './daemon.js';
import { buildTestApp, HOST, ORIGIN, type TestApp } from './helper.js';

const run = promisify(execFile);

let t: TestApp;

beforeAll(async () => {
  // No podman is needed to prove the defences; point at a socket that does not exist.
  t = await buildTestApp({ podmanSocket: '/nonexistent/podman.sock' });
});
afterAll(() => t.app.close());

const expectApiError = (body: string, code: string) => {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  expect(parsed.code).toBe(code);
  expect(typeof parsed.message).toBe('string');
  expect((parsed.message as string).length).toBeGreaterThan(5);
};

describe('Host allowlist (DNS rebinding)', () => {
  it.each(['127.0.0.1:8420', 'localhost:8420', '[::1]:8420', 'LOCALHOST:8420'])(
    'accepts %s',
    async (host) => {
      const res = await t.app.inject({ url: '/api/health', headers: { host } });
      expect(res.statusCode).toBe(200);
    },
  );

  it.each([
    'evil.example',
    'evil.example:8420',
    '127.0.0.1:9999',
    '127.0.0.1',
    '[::1',
    'a'.repeat(5000),
    '127.0.0.1:8420.evil.example',
    '',
  ])('refuses Host %j before reading the body', async (host) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { host, origin: ORIGIN, 'content-type': 'application/json' },
      payload: JSON.stringify({ token: t.token }),
    });
    expect(res.statusCode).toBe(421);
    expectApiError(res.body, 'bad_host');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a bad Host for static files too', async () => {
    const res = await t.app.inject({ url: '/', headers: { host: 'rebind.example:8420' } });
    expect(res.statusCode).toBe(421);
  });
});

describe('credentials', () => {
  it('health without a credential says only that the daemon is alive', async () => {
    const res = await t.app.inject({ url: '/api/health', headers: { host: HOST } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('health with the Bearer token tells everything', async () => {
    const res = await t.api({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveProperty('host.arch');
  });

  it('refuses a wrong Bearer token', async () => {
    const res = await t.api({ url: '/api/session', headers: { authorization: 'Bearer nope' } });
    expect(res.statusCode).toBe(401);
    expectApiError(res.body, 'unauthorized');
  });

  it('refuses API routes without a credential', async () => {
    for (const url of ['/api/session', '/api/anything']) {
      const res = await t.app.inject({ url, headers: { host: HOST } });
      expect(res.statusCode).toBe(401);
      expectApiError(res.body, 'unauthorized');
    }
  });

  it('trades the tokened URL for an HttpOnly SameSite=Strict cookie and drops the token', async () => {
    const res = await t.app.inject({
      url: `/containers?token=${t.token}&x=1`,
      headers: { host: HOST },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/containers?x=1');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(t.token);

    const session = await t.app.inject({
      url: '/api/session',
      headers: { host: HOST, cookie: cookie.split(';')[0]! },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ authenticated: true });
  });

  it('a wrong token in the URL sets no cookie, and the page says so without the token', async () => {
    const res = await t.app.inject({ url: '/?token=wrong', headers: { host: HOST } });
    expect(res.statusCode).toBe(303);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers.location).toBe('/?auth=rejected');

    const deep = await t.app.inject({
      url: `/containers?token=${t.token.slice(1)}&x=1`,
      headers: { host: HOST },
    });
    expect(deep.headers.location).toBe('/containers?x=1&auth=rejected');
    expect(deep.headers.location).not.toContain(t.token.slice(1));
  });

  it('a wrong token in the URL of a signed-in browser changes nothing', async () => {
    const signIn = await t.app.inject({ url: `/?token=${t.token}`, headers: { host: HOST } });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const res = await t.app.inject({ url: '/?token=stale', headers: { host: HOST, cookie } });
    expect(res.headers.location).toBe('/');
  });

  it('tells a browser that is not signed in where the token is', async () => {
    const res = await t.app.inject({ url: '/api/session', headers: { host: HOST } });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ message: string }>().message).toContain(join(t.config.dataDir, 'token'));
  });

  it('the login form sets the cookie for the right token only', async () => {
    const headers = {
      host: HOST,
      origin: ORIGIN,
      'content-type': 'application/json',
      'sec-fetch-site': 'same-origin',
    };
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers,
      payload: { token: 'x'.repeat(43) },
    });
    expect(bad.statusCode).toBe(401);
    expectApiError(bad.body, 'bad_token');
    expect(bad.headers['set-cookie']).toBeUndefined();

    const good = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers,
      payload: { token: t.token },
    });
    expect(good.statusCode).toBe(200);
    expect(String(good.headers['set-cookie'])).toMatch(/HttpOnly/);
  });
});

describe('cross-origin defences on state-changing requests', () => {
  const post = (
    headers: Record<string, string>,
    payload: string = JSON.stringify({ token: 'x' }),
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { host: HOST, ...headers },
      payload,
    });

  it('refuses another Origin', async () => {
    const res = await post({ origin: 'http://evil.example', 'content-type': 'application/json' });
    expect(res.statusCode).toBe(403);
    expectApiError(res.body, 'cross_origin');
  });

  it('refuses an Origin that differs only by port or scheme', async () => {
    for (const origin of ['http://127.0.0.1:9999', 'https://127.0.0.1:8420', 'null']) {
      const res = await post({ origin, 'content-type': 'application/json' });
      expect(res.statusCode).toBe(403);
    }
  });

  it('refuses cross-site and same-site fetch metadata even with a same Origin', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await post({
        origin: ORIGIN,
        'sec-fetch-site': site,
        'content-type': 'application/json',
      });
      expect(res.statusCode).toBe(403);
    }
  });

  it('refuses a browser request with no Origin', async () => {
    const res = await post({ 'content-type': 'application/json', 'sec-fetch-mode': 'cors' });
    expect(res.statusCode).toBe(403);
    expectApiError(res.body, 'origin_required');
  });

  it('accepts a script with a Bearer token and no browser headers', async () => {
    const res = await post(
      { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      JSON.stringify({ token: t.token }),
    );
    expect(res.statusCode).toBe(200);
  });

  it('refuses text/plain and form bodies, which cross-site pages can send without preflight', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await post({ origin: ORIGIN, 'content-type': type }, `{"token":"${t.token}"}`);
      expect(res.statusCode).toBe(415);
      expectApiError(res.body, 'unsupported_media_type');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('answers bad JSON and bad shapes with 400 in the one error shape', async () => {
    const broken = await post({ origin: ORIGIN, 'content-type': 'application/json' }, '{"token":');
    expect(broken.statusCode).toBe(400);
    expectApiError(broken.body, 'bad_request');
    const extra = await post(
      { origin: ORIGIN, 'content-type': 'application/json' },
      '{"token":"a","admin":true}',
    );
    expect(extra.statusCode).toBe(400);
    expectApiError(extra.body, 'bad_request');
  });

  it('never sends CORS headers, not even to a preflight', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/session',
      headers: {
        host: HOST,
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });
});

describe('responses', () => {
  it.each([
    ['/api/health', 200],
    ['/api/session', 401],
    ['/api/nope', 401],
    ['/', 0],
  ])('%s carries the security headers', async (url) => {
    const res = await t.app.inject({ url, headers: { host: HOST } });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('unknown API routes are a 404 in the one error shape', async () => {
    const res = await t.api({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expectApiError(res.body, 'not_found');
  });
});

describe('a cookie proves the request came from the archdeck page', () => {
  let cookie: string;
  beforeAll(async () => {
    const res = await t.app.inject({ url: `/?token=${t.token}`, headers: { host: HOST } });
    cookie = String(res.headers['set-cookie']).split(';')[0]!;
  });
  // A lookup makes the daemon reach out to a registry: the blind SSRF a page on another local
  // port could trigger with <img src>, since it is same-site and gets the cookie.
  const lookup = (headers: Record<string, string>) =>
    t.app.inject({
      url: '/api/registries/platforms?ref=127.0.0.1:9/x:1',
      headers: { host: HOST, cookie, ...headers },
    });

  it.each([
    ['same-site', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }],
    ['cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['no fetch metadata', {}],
  ])('refuses %s', async (_label, headers) => {
    const res = await lookup(headers);
    expect(res.statusCode).toBe(403);
    expectApiError(res.body, 'cross_origin');
  });

  it('accepts the page itself, and an address typed in the bar', async () => {
    for (const site of ['same-origin', 'none']) {
      const res = await lookup({ 'sec-fetch-site': site });
      // Past the checks: the lookup itself fails (nothing listens on port 9), which is a 502.
      expect(res.statusCode, site).not.toBe(403);
      expect(res.statusCode, site).not.toBe(401);
    }
  });

  it('a WebSocket handshake, which carries no fetch metadata, proves it by its Origin', async () => {
    const upgrade = (origin: string) =>
      t.app.inject({
        url: '/api/terminal?ticket=x',
        headers: { host: HOST, cookie, origin, connection: 'upgrade', upgrade: 'websocket' },
      });
    // Past the page check: the ticket is what is wrong.
    expect((await upgrade(ORIGIN)).json()).toMatchObject({ code: 'bad_ticket' });
    expect((await upgrade('http://127.0.0.1:9911')).statusCode).toBe(403);
  });

  it('a typed address cannot change state', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/emulators/mount',
      headers: { host: HOST, cookie, 'sec-fetch-site': 'none' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('state-changing requests without an Origin', () => {
  const mount = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/emulators/mount',
      headers: { host: HOST, ...headers },
    });

  it('need a valid Bearer, not just any', async () => {
    expect((await mount({ authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await mount({})).statusCode).toBe(403);
    const session = await t.app.inject({ url: `/?token=${t.token}`, headers: { host: HOST } });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    expect((await mount({ cookie, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(403);
  });
});

describe('the token file', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-token-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is created 0600 in a 0700 directory', async () => {
    const dir = join(await freshDir(), 'data');
    const token = await loadOrCreateToken(dir);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect((await stat(join(dir, 'token'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateToken(dir)).toBe(token);
  });

  it('an existing world-readable token is made 0600, and a too-short one replaced', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'token'), `${'a'.repeat(43)}\n`, { mode: 0o666 });
    await chmod(join(dir, 'token'), 0o666);
    expect(await loadOrCreateToken(dir)).toBe('a'.repeat(43));
    expect((await stat(join(dir, 'token'))).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, 'token'), 'short\n');
    expect(await loadOrCreateToken(dir)).not.toBe('short');
  });

  it('refuses a symbolic link at the token, and a data dir others can write to', async () => {
    const dir = await freshDir();
    const elsewhere = join(await freshDir(), 'planted');
    await writeFile(elsewhere, `${'b'.repeat(43)}\n`);
    await symlink(elsewhere, join(dir, 'token'));
    await expect(loadOrCreateToken(dir)).rejects.toThrow(/symbolic link/);
    const open = await freshDir();
    await chmod(open, 0o777);
    await expect(loadOrCreateToken(open)).rejects.toThrow(/writable by other users.*chmod 700/);
  });

  it('on a full disk the daemon says so in one line, exits 2 and leaves no token behind', async () => {
    const mnt = await freshDir();
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt]);
    try {
      // Fill it: the data dir can be created (a directory takes no data block on tmpfs), the
      // token cannot be written.
      await run('dd', ['if=/dev/zero', `of=${join(mnt, 'fill')}`, 'bs=4k']).catch(() => undefined);
      const failed = await run(
        process.execPath,
        [BIN, '--data-dir', join(mnt, 'data'), '--port', '0'],
        {
          env: { ...process.env, ARCHDECK_PODMAN_SOCKET: '/nonexistent.sock' },
        },
      ).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failed?.stderr).toMatch(/^archdeck: cannot write .*token: the disk is full/);
      expect(await readdir(join(mnt, 'data'))).toEqual([]);
    } finally {
      await run('umount', [mnt]);
    }
  });
});

describe('5xx answers', () => {
  it('never carry internals; the log does, for every 5xx', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    await app.register(requestSignal);
    await app.register(errors);
    app.get('/boom', () => {
      throw new Error('secret internals at /etc/archdeck/key');
    });
    app.get('/bad-gateway', () => {
      throw new AppError(502, 'podman_error', 'podman failed', undefined, new Error('runc said x'));
    });
    const boom = await app.inject({ url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.json()).toMatchObject({ code: 'internal' });
    const gateway = await app.inject({ url: '/bad-gateway' });
    expect(gateway.statusCode).toBe(502);
    expect(gateway.body).not.toContain('runc said');
    const logged = lines.join('');
    expect(logged).toContain('secret internals');
    expect(logged).toContain('runc said x');
    await app.close();
  });
});

describe('over a real socket', () => {
  let port: number;
  beforeAll(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });

  /** Sends raw bytes, returns what came back before the server closed the connection. */
  const raw = (bytes: string, waitMs = 2000) =>
    new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ text, closed: false });
      }, waitMs);
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => {
        clearTimeout(timer);
        resolve({ text, closed: true });
      });
      socket.on('error', reject);
      socket.write(bytes);
    });

  it('answers a bad Host before any body byte is sent, and closes', async () => {
    const { text, closed } = await raw(
      'POST /api/session HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1.1 421 /);
    expect(closed).toBe(true);
  });

  it('answers 401 before the body of an unauthenticated upload, and closes', async () => {
    const { text, closed } = await raw(
      `POST /api/emulators HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer nope\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    expect(text).toMatch(/^HTTP\/1.1 401 /);
    expect(closed).toBe(true);
  });

  it('limits how long a client may take to send a request', () => {
    expect(t.app.server.requestTimeout).toBe(30_000);
    expect(t.app.server.headersTimeout).toBe(10_000);
  });

  it('sends the security headers on event streams', async () => {
    const { text } = await raw(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${t.token}\r\n\r\n`,
      500,
    );
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    expect(text).toMatch(/content-type: text\/event-stream/i);
    expect(text).toMatch(/content-security-policy: .*frame-ancestors 'none'/i);
    expect(text).toMatch(/x-content-type-options: nosniff/i);
  });

  it('sends the security headers on refused WebSocket upgrades', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { origin: 'http://evil.example' },
    ]) {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/terminal?ticket=x`, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res));
        ws.on('open', () => reject(new Error('the upgrade was accepted')));
        ws.on('error', () => undefined);
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
