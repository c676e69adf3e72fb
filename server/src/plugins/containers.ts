import fp from 'fastify-plugin';
import { ContainersService } from '../containers/containers.js';
import { LaunchOutputs } from '../containers/launch-output.js';
import { interruptedLaunch, Launches } from '../containers/launches.js';
import { Jobs } from '../jobs/jobs.js';
import type { LaunchJob } from '@archdeck/shared';

declare module 'fastify' {
  interface FastifyInstance {
    containers: ContainersService;
  }
}

export default fp(
  async (app) => {
    const log = app.log.child({ module: 'launches' });
    const jobs = new Jobs<LaunchJob>({
      kind: 'launch',
      dataDir: app.config.dataDir,
      events: app.engineEvents,
      log,
      interrupted: interruptedLaunch,
    });
    await jobs.restore();
    const containers = new ContainersService(
      app.engine,
      app.images,
      app.pulls,
      app.emulators,
      new LaunchOutputs(app.engine, app.log.child({ module: 'launch' })),
      new Launches(app.pulls, jobs, log),
      app.engineEvents,
      app.cpuModels,
    );
    app.decorate('containers', containers);
    // Launches first: one that is creating its container stops before the outputs close.
    app.addHook('onClose', async () => {
      await jobs.close();
      containers.close();
    });
  },
  { name: 'containers', dependencies: ['images'] },
);
