import fp from 'fastify-plugin';
import { ContainersService } from '../containers/containers.js';

declare module 'fastify' {
  interface FastifyInstance {
    containers: ContainersService;
  }
}

export default fp(
  async (app) => {
    app.decorate(
      'containers',
      new ContainersService(app.engine, app.images, app.pulls, app.emulators, app.config.presets),
    );
  },
  { name: 'containers', dependencies: ['images'] },
);
