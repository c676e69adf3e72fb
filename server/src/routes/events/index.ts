import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@archdeck/shared';
import { openSse } from '../../lib/sse.js';

/**
 * One stream of small typed events for the whole UI (shared/src/events.ts), fed by the daemon's
 * single podman event subscription and its connection state: the browser maps them to query
 * invalidations instead of polling.
 */
const events: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events',
    { schema: { response: { 500: errorResponses[500] } } },
    async (request, reply) => {
      const sse = openSse(request, reply);
      sse.send('hello', { podman: app.engine.reachable });
      const unsubscribe = app.engineEvents.subscribe((e) => {
        if (e.kind === 'resync') sse.send('hello', { podman: true });
        else if (e.kind === 'podman') sse.send('podman', { podman: e.action === 'up' });
        else sse.send('change', { kind: e.kind, action: e.action, id: e.id });
      });
      await sse.done;
      unsubscribe();
    },
  );
};

export default events;
