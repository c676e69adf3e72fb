/**
 * Makes Fastify's `request.signal` exist from the first hook on. It is aborted when the
 * client goes away (or the response is done), but Fastify creates it lazily, listening from
 * then on: a signal first asked for after the client left would never abort. Created here,
 * before any handler awaits anything, every resource a request opens (a podman stream, a file,
 * a subscription) can be tied to it: a client that leaves while the daemon still waits for
 * podman releases everything at once.
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      void request.signal;
    });
  },
  { name: 'request-signal' },
);
