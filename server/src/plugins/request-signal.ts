/**
 * `request.closed`: an AbortSignal aborted when the client goes away, or the response is done.
 * It exists from the first hook on, before any handler awaits anything, so every resource a
 * request opens (a podman stream, a file, a subscription) can be tied to it from its first
 * await: a client that leaves while the daemon still waits for podman releases everything at
 * once. Fastify's own `request.signal` will not do: it is created lazily (listening only from
 * then on) and stops listening once a reply is hijacked, as every event stream's is.
 */
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    closed: AbortSignal;
  }
}

export default fp(
  async (app) => {
    app.decorateRequest('closed', null as unknown as AbortSignal);
    app.addHook('onRequest', async (request, reply) => {
      const controller = new AbortController();
      request.closed = controller.signal;
      // The response's close fires when its socket closes, answered or not.
      if (request.raw.socket?.destroyed) controller.abort();
      else reply.raw.once('close', () => controller.abort());
    });
  },
  { name: 'request-signal' },
);
