import fp from 'fastify-plugin';
import { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';

declare module 'fastify' {
  interface FastifyInstance {
    engine: Engine;
    engineEvents: EngineEvents;
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
    // An API request arriving while the first connection is still being made waits for it,
    // rather than being told podman is unreachable. The UI's files never wait for podman.
    const settled = () => engine.settled();
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return;
      const own = route.preHandler;
      route.preHandler = own === undefined ? [settled] : [settled, own].flat();
    });
    app.addHook('onClose', async () => {
      await engine.close();
    });
  },
  { name: 'engine', dependencies: ['config'] },
);
