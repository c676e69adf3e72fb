import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, HOST, ORIGIN, type TestApp } from './helper.js';

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
