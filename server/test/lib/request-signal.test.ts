/**
 * `request.closed` over a real socket. It is made on first use, so what matters is that it
 * starts from what already happened: a client that left before a handler first looked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import requestSignal from '../../src/plugins/request-signal.js';

let app: FastifyInstance;
afterEach(() => app.close());

/** An app whose one route waits for `go` before it looks at request.closed. */
async function start(route: (signal: () => AbortSignal) => Promise<unknown>) {
  app = Fastify();
  await app.register(requestSignal);
  app.get('/wait', (request) => route(() => request.closed));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

const connections = () =>
  new Promise<number>((resolve) => app.server.getConnections((_, n) => resolve(n)));

/** Opens GET /wait and returns a function that cuts the client off. */
function open(port: number) {
  const req = httpRequest({ host: '127.0.0.1', port, path: '/wait' });
  req.on('error', () => undefined);
  req.end();
  return () => req.destroy();
}

describe('request.closed', () => {
  it('is aborted when first read after the client left', async () => {
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    let go!: () => void;
    const later = new Promise<void>((resolve) => (go = resolve));
    let seen: boolean | undefined;
    const port = await start(async (signal) => {
      arrived();
      await later;
      seen = signal().aborted;
      return { ok: true };
    });
    const leave = open(port);
    await inHandler;
    leave();
    // The server has seen the socket close: the response's close event fired with it.
    await expect.poll(connections).toBe(0);
    go();
    await expect.poll(() => seen).toBe(true);
  });

  it('aborts when the client leaves after it was read', async () => {
    let signal: AbortSignal | undefined;
    const port = await start(async (read) => {
      signal = read();
      await new Promise<void>((resolve) => signal!.addEventListener('abort', () => resolve()));
      return { ok: true };
    });
    const leave = open(port);
    await expect.poll(() => signal).toBeDefined();
    expect(signal!.aborted).toBe(false);
    leave();
    await expect.poll(() => signal!.aborted).toBe(true);
  });

  it('aborts once the response is done', async () => {
    let signal: AbortSignal | undefined;
    const port = await start(async (read) => {
      signal = read();
      return { ok: true };
    });
    const res = await fetch(`http://127.0.0.1:${port}/wait`);
    expect(res.status).toBe(200);
    await res.text();
    await expect.poll(() => signal?.aborted).toBe(true);
  });
});
