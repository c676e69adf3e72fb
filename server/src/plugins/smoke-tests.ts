import fp from 'fastify-plugin';
import { SmokeTestService } from '../emulators/smoke-test.js';
import { ContainerChecker } from '../host/container-check.js';
import { hostInfo } from '../host/host-info.js';

declare module 'fastify' {
  interface FastifyInstance {
    smokeTests: SmokeTestService;
    containerCheck: ContainerChecker;
  }
}

/**
 * The smoke-test runner and the last result per architecture, kept for the daemon's lifetime;
 * and the native one run after every connect to podman: can containers start here at all?
 */
export default fp(
  async (app) => {
    const smokeTests = new SmokeTestService({
      engine: app.engine,
      emulators: app.emulators,
      probesDir: app.config.probesDir,
    });
    app.decorate('smokeTests', smokeTests);
    app.decorate(
      'containerCheck',
      new ContainerChecker({
        engine: app.engine,
        smokeTests,
        events: app.engineEvents,
        arch: hostInfo().arch,
        log: app.log.child({ module: 'container-check' }),
      }),
    );
  },
  { name: 'smoke-tests', dependencies: ['engine', 'emulators'] },
);
