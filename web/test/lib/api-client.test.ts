/**
 * The API client's error handling. `fetch` is the browser's interface: it is stood in for by a
 * function answering with real `Response` objects, as a daemon, a proxy or a dead socket would.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiRequestError, isUnauthorized } from '@/lib/api-client';

const answer = (response: Response | Error) => {
  const fetch = vi.fn(async (_path: string, _init?: RequestInit) => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

const json = (status: number, body: unknown, statusText = '') =>
  new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api', () => {
  it('sends JSON with the session cookie and reads JSON back', async () => {
    const fetch = answer(json(200, { ok: 1 }));
    await expect(api.post('/api/x', { a: 1 })).resolves.toEqual({ ok: 1 });
    const [path, init] = fetch.mock.calls[0]!;
    expect(path).toBe('/api/x');
    expect(init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      body: '{"a":1}',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    });
  });

  it('sends a Blob as raw bytes', async () => {
    const fetch = answer(json(200, {}));
    const blob = new Blob([new Uint8Array([0x7f, 0x45, 0x4c, 0x46])]);
    await api.put('/api/elf', blob);
    expect(fetch.mock.calls[0]![1]).toMatchObject({
      body: blob,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
  });

  it('takes 204 for no body', async () => {
    answer(new Response(null, { status: 204 }));
    await expect(api.delete('/api/x')).resolves.toBeUndefined();
  });

  it('throws the daemon’s error body with the status', async () => {
    answer(json(409, { code: 'in_use', message: 'The image is in use.', detail: 'c1' }));
    const error = await api.get('/api/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 409,
      message: 'The image is in use.',
      body: { code: 'in_use', message: 'The image is in use.', detail: 'c1' },
    });
  });

  it('makes a message of an answer that is not our error body (a proxy, a crash)', async () => {
    answer(new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(api.get('/api/x')).rejects.toMatchObject({
      status: 502,
      body: { code: 'http_502', message: 'The daemon answered 502 Bad Gateway' },
    });
    answer(json(500, { error: 'not ours' }));
    await expect(api.get('/api/x')).rejects.toMatchObject({
      body: { code: 'http_500', message: 'The daemon answered 500' },
    });
  });

  it('says the daemon is unreachable when fetch itself fails', async () => {
    answer(new TypeError('Failed to fetch'));
    await expect(api.get('/api/x')).rejects.toMatchObject({
      status: 0,
      body: { code: 'unreachable' },
    });
  });

  it('lets an abort through as it is, for TanStack Query', async () => {
    const controller = new AbortController();
    controller.abort();
    const abort = new DOMException('aborted', 'AbortError');
    answer(abort);
    await expect(api.get('/api/x', { signal: controller.signal })).rejects.toBe(abort);
  });
});

describe('isUnauthorized', () => {
  it('is our session gone, not a registry refusing a private image', () => {
    const unauthorized = new ApiRequestError(401, { code: 'unauthorized', message: 'Sign in.' });
    const registry = new ApiRequestError(401, {
      code: 'registry_unauthorized',
      message: 'The registry wants credentials.',
    });
    expect(isUnauthorized(unauthorized)).toBe(true);
    expect(isUnauthorized(registry)).toBe(false);
    expect(isUnauthorized(new Error('unauthorized'))).toBe(false);
  });
});
