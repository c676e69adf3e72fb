import fp from 'fastify-plugin';
import { ContainersService } from '../containers/containers.js';
import { LaunchOutputs } from '../containers/launch-output.js';

declare module 'fastify' {
  interface FastifyInstance {
    containers: ContainersService;
  }
}

export default fp(
  async (app) => {
    const containers = new ContainersService(
      app.engine,
      app.images,
      app.pulls,
      app.emulators,
      new LaunchOutputs(app.engine, app.log.child({ module: 'launch' })),
      app.engineEvents,
      app.cpuModels,
    );
    app.decorate('containers', containers);
    app.addHook('onClose', async () => containers.close());
  },
  { name: 'containers', dependencies: ['images'] },
);
