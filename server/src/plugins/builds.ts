import fp from 'fastify-plugin';
import { join } from 'node:path';
import type { BuildJob } from '@archdeck/shared';
import { BuildManager } from '../builds/builds.js';
import { Jobs } from '../jobs/jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    builds: BuildManager;
  }
}

/** Build jobs: recorded in the data dir, cut (and recorded as interrupted) when the daemon stops. */
export default fp(
  async (app) => {
    const log = app.log.child({ module: 'builds' });
    const jobs = new Jobs<BuildJob>({
      kind: 'build',
      dataDir: app.config.dataDir,
      events: app.engineEvents,
      log,
      interrupted: (job, reason) => ({
        ...job,
        platforms: job.platforms.map((p) =>
          p.state === 'running' ? { ...p, state: 'interrupted', error: reason } : p,
        ),
      }),
    });
    await jobs.restore();
    const builds = new BuildManager(
      app.engine,
      app.emulators,
      app.images,
      jobs,
      log,
      join(app.config.dataDir, 'builds'),
    );
    await builds.sweep();
    app.decorate('builds', builds);
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'builds', dependencies: ['engine', 'emulators', 'images'] },
);
