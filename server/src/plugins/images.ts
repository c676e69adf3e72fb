import fp from 'fastify-plugin';
import { ImagesService } from '../images/images.js';
import { PullManager } from '../images/pulls.js';

declare module 'fastify' {
  interface FastifyInstance {
    images: ImagesService;
    pulls: PullManager;
  }
}

export default fp(
  async (app) => {
    const images = new ImagesService(app.engine, app.engineEvents, app.emulators);
    app.decorate('images', images);
    const pulls = new PullManager(
      app.engine,
      images,
      app.engineEvents,
      app.log.child({ module: 'pulls' }),
    );
    app.decorate('pulls', pulls);
    app.addHook('onClose', async () => pulls.close());
  },
  { name: 'images', dependencies: ['engine', 'binfmt'] },
);
