import fp from 'fastify-plugin';
import { ImagesService } from '../images/images.js';
import { PullManager } from '../images/pulls.js';
import { Jobs } from '../jobs/jobs.js';
import type { PullJob } from '@archdeck/shared';

declare module 'fastify' {
  interface FastifyInstance {
    images: ImagesService;
    pulls: PullManager;
  }
}

export default fp(
  async (app) => {
    const images = new ImagesService(app.engine, app.engineEvents, app.emulators, app.registries);
    app.decorate('images', images);
    const log = app.log.child({ module: 'pulls' });
    const jobs = new Jobs<PullJob>({
      kind: 'pull',
      dataDir: app.config.dataDir,
      events: app.engineEvents,
      log,
    });
    await jobs.restore();
    const pulls = new PullManager(app.engine, images, jobs, app.registries, log);
    app.decorate('pulls', pulls);
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'images', dependencies: ['engine', 'emulators', 'registries'] },
);
