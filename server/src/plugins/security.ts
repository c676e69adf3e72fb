/**
 * Defences that apply to every request, static files and streams included, before anything
 * else looks at it:
 *  - Host allowlist (DNS rebinding): checked before any body is read;
 *  - JSON bodies only (text/plain and forms are what cross-site "simple requests" can send);
 *  - no CORS headers, ever; strict security headers on every response;
 *  - a refused request closes its connection, so a client cannot keep trickling a body in.
 * Credentials and the origin checks that depend on them are the auth plugin's.
 */
import fp from 'fastify-plugin';
import type { AddressInfo } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '@archdeck/shared';

export const SECURITY_HEADERS = {
  'content-security-policy':
    // Inline styles only (never scripts): xterm.js sizes and colours the terminal through
    // <style> elements it rewrites on every resize, which no hash or nonce can cover.
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * The request's Origin is exactly this daemon's origin (`http://` + its Host, which the Host
 * allowlist has already checked). A missing Origin is not same-origin.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && request.headers.origin === `http://${host}`;
}

/**
 * Answers a refused request in the one error shape and closes the connection after it: the
 * rest of a body it did not read is never waited for.
 */
export function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  const body: ApiError = { code, message };
  return reply.code(status).header('connection', 'close').send(body);
}

export default fp(
  async (app) => {
    // The port the client reached: the socket knows it (an injected request has none).
    const portOf = (request: FastifyRequest) =>
      request.socket.localPort ??
      (app.server.address() as AddressInfo | null)?.port ??
      app.config.port;
    const byPort = new Map<number, Set<string>>();
    const allowedHosts = (port: number) => {
      let hosts = byPort.get(port);
      if (!hosts) {
        const names = ['127.0.0.1', 'localhost', '[::1]'];
        hosts = new Set(names.map((n) => `${n}:${port}`));
        if (port === 80) for (const n of names) hosts.add(n);
        byPort.set(port, hosts);
      }
      return hosts;
    };

    // Fastify parses text/plain by default; a cross-site form or "simple" fetch can send it.
    app.removeContentTypeParser('text/plain');

    // Callback style, as every hook that runs on each request: an async one costs a promise
    // and a turn of the microtask queue. A refused request is answered, and goes no further.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
      reply.headers(SECURITY_HEADERS);

      const host = request.headers.host?.toLowerCase();
      const port = portOf(request);
      if (!host || !allowedHosts(port).has(host)) {
        refuse(
          reply,
          421,
          'bad_host',
          `archdeck answers only to http://127.0.0.1:${port} or http://localhost:${port}.`,
        );
        return;
      }
      done();
    });
  },
  { name: 'security', dependencies: ['config'] },
);
