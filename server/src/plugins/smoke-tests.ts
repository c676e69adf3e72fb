import fp from 'fastify-plugin';
import { SmokeTestService } from '../binfmt/smoke-test.js';

declare module 'fastify' {
  interface FastifyInstance {
    smokeTests: SmokeTestService;
  }
}

/** The smoke-test runner and the last result per architecture, kept for the daemon's lifetime. */
export default fp(
  async (app) => {
    app.decorate(
      'smokeTests',
      new SmokeTestService({
        engine: app.engine,
        emulators: app.emulators,
        probesDir: app.config.probesDir,
      }),
    );
  },
  { name: 'smoke-tests', dependencies: ['engine', 'binfmt'] },
);
