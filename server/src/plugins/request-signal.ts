/**
 * `request.closed`: an AbortSignal aborted when the client goes away, or the response is done.
 * It is right from the first hook on, before any handler awaits anything, so every resource a
 * request opens (a podman stream, a file, a subscription) can be tied to it from its first
 * await: a client that leaves while the daemon still waits for podman releases everything at
 * once. Fastify's own `request.signal` will not do: it is created lazily (listening only from
 * then on, blind to a client that left before) and stops listening once a reply is hijacked,
 * as every event stream's is.
 *
 * Ours is made on first use too, but it starts from what already happened (a response that
 * closed, a socket gone) and then listens to the response itself, hijacked or not. Made for
 * every request, the controller and its abort (a DOMException with a stack trace per response)
 * were a fifth of the CPU a /api/health took under load, and most requests never read it.
 */
import fp from 'fastify-plugin';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    closed: AbortSignal;
  }
}

const RESPONSE = Symbol('archdeck.response');
const SIGNAL = Symbol('archdeck.closed');

interface Slots {
  [RESPONSE]: ServerResponse | null;
  [SIGNAL]: AbortSignal | null;
}

function closedSignal(request: FastifyRequest & Slots): AbortSignal {
  let signal = request[SIGNAL];
  if (signal === null) {
    const controller = new AbortController();
    signal = controller.signal;
    request[SIGNAL] = signal;
    // The response's close fires when its socket closes, answered or not; `closed` says it did.
    // (No response is known only before this plugin's hook ran: then the socket tells.)
    const response = request[RESPONSE];
    if (response?.closed || request.raw.socket?.destroyed) controller.abort();
    else response?.once('close', () => controller.abort());
  }
  return signal;
}

export default fp(
  async (app) => {
    app.decorateRequest(RESPONSE, null);
    app.decorateRequest(SIGNAL, null);
    app.decorateRequest('closed', {
      getter(this: FastifyRequest) {
        return closedSignal(this as FastifyRequest & Slots);
      },
    });
    // Callback style: an async hook costs a promise and a turn of the microtask queue.
    app.addHook('onRequest', (request, reply, done) => {
      (request as FastifyRequest & Slots)[RESPONSE] = reply.raw;
      done();
    });
  },
  { name: 'request-signal' },
);
