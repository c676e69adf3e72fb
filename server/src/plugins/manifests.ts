import fp from 'fastify-plugin';
import type { PushJob } from '@archdeck/shared';
import { Jobs } from '../jobs/jobs.js';
import { ManifestsService } from '../manifests/manifests.js';
import { PushManager } from '../manifests/pushes.js';

declare module 'fastify' {
  interface FastifyInstance {
    manifests: ManifestsService;
    pushes: PushManager;
  }
}

/** Manifest list drafts (a record in the data dir) and the push jobs that publish them. */
export default fp(
  async (app) => {
    const log = app.log.child({ module: 'manifests' });
    const manifests = new ManifestsService(app.engine, app.engineEvents, log, app.config.dataDir);
    await manifests.load();
    const jobs = new Jobs<PushJob>({
      kind: 'push',
      dataDir: app.config.dataDir,
      events: app.engineEvents,
      log,
    });
    await jobs.restore();
    const pushes = new PushManager(app.engine, app.images, manifests, jobs, log, app.registries);
    app.decorate('manifests', manifests);
    app.decorate('pushes', pushes);
    // A push cut by the daemon stopping (or dying) may have left its list in podman, where it
    // breaks image listing: it goes once podman answers.
    const cut = jobs
      .list()
      .filter((j) => j.state === 'interrupted')
      .map((j) => j.id);
    if (cut.length > 0) {
      const off = app.engine.onState((reachable) => {
        if (!reachable) return;
        off();
        void pushes.removeLeftovers(cut);
      });
    }
    app.addHook('onClose', async () => {
      await jobs.close();
      await manifests.saved();
    });
  },
  { name: 'manifests', dependencies: ['engine', 'images', 'registries'] },
);
