import fp from 'fastify-plugin';
import { ImagesService } from '../images/images.js';
import { PullManager } from '../images/pulls.js';
import { RegistryLookup } from '../images/registry-lookup.js';
import { Jobs } from '../jobs/jobs.js';
import type { PullJob } from '@archdeck/shared';

declare module 'fastify' {
  interface FastifyInstance {
    images: ImagesService;
    pulls: PullManager;
    registryLookup: RegistryLookup;
  }
}

export default fp(
  async (app) => {
    const images = new ImagesService(app.engine, app.engineEvents, app.emulators);
    app.decorate('images', images);
    app.decorate('registryLookup', new RegistryLookup(app.config.registriesConf));
    const log = app.log.child({ module: 'pulls' });
    const jobs = new Jobs<PullJob>({
      kind: 'pull',
      dataDir: app.config.dataDir,
      events: app.engineEvents,
      log,
    });
    await jobs.restore();
    const pulls = new PullManager(app.engine, images, jobs, log);
    app.decorate('pulls', pulls);
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'images', dependencies: ['engine', 'binfmt'] },
);
