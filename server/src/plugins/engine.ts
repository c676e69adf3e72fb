import fp from 'fastify-plugin';
import type { preHandlerHookHandler } from 'fastify';
import { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';

declare module 'fastify' {
  interface FastifyInstance {
    engine: Engine;
    engineEvents: EngineEvents;
  }
  interface FastifyContextConfig {
    /** false: the route never waits for podman to be reached (it answers from what is known). */
    holdForPodman?: boolean;
  }
}

/** The podman connection: opened when the app is ready, closed (and a managed service stopped) on close. */
export default fp(
  async (app) => {
    const engine = Engine.local({
      socket: app.config.podmanSocket,
      candidates: app.config.podmanCandidates,
      dataDir: app.config.dataDir,
      pathEnv: app.config.pathEnv,
      env: app.config.childEnv,
      log: app.log.child({ module: 'engine' }),
    });
    app.decorate('engine', engine);
    app.decorate('engineEvents', engine.events);
    // Not awaited: a slow or absent podman must not delay or stop the daemon's start.
    app.addHook('onReady', async () => {
      void engine.start();
    });
    // An API request arriving while a connection is being made waits until podman answered
    // it, rather than being told podman is unreachable; not for podman's facts (/version,
    // /info: seconds on a cold podman), which only the health shows. The UI's files never
    // wait, nor does a route that reads what is known (`holdForPodman: false`). Callback
    // style: most requests find nothing to wait for, and pay no promise for it.
    const held: preHandlerHookHandler = (request, reply, done) => {
      const pending = engine.pendingReach();
      if (pending === null) done();
      else void pending.then(() => done());
    };
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/') || route.config?.holdForPodman === false) return;
      const own = route.preHandler;
      route.preHandler = own === undefined ? [held] : [held, own].flat();
    });
    app.addHook('onClose', async () => {
      await engine.close();
    });
  },
  { name: 'engine', dependencies: ['config'] },
);
