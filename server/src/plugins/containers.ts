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
    const launches = new LaunchOutputs(app.engine);
    app.decorate(
      'containers',
      new ContainersService(
        app.engine,
        app.images,
        app.pulls,
        app.emulators,
        app.config.presets,
        launches,
        app.engineEvents,
      ),
    );
    app.addHook('onClose', () => launches.close());
  },
  { name: 'containers', dependencies: ['images'] },
);
