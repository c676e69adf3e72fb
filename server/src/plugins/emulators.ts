import fp from 'fastify-plugin';
import { BinfmtFs } from '../emulators/binfmt-fs.js';
import { CpuModelsService } from '../emulators/cpu-check.js';
import { EmulatorsService } from '../emulators/emulators.js';
import { hostInfo } from '../host/host-info.js';

declare module 'fastify' {
  interface FastifyInstance {
    binfmt: BinfmtFs;
    emulators: EmulatorsService;
    cpuModels: CpuModelsService;
  }
}

export default fp(
  async (app) => {
    const fs = new BinfmtFs(app.config.binfmtRoot);
    app.decorate('binfmt', fs);
    const emulators = new EmulatorsService({
      fs,
      confDirs: app.config.binfmtConfDirs,
      hostArch: hostInfo().arch,
      isRoot: app.config.isRoot,
    });
    app.decorate('emulators', emulators);
    const log = app.log.child({ module: 'cpu-models' });
    const cpuModels = new CpuModelsService({ emulators, probesDir: app.config.probesDir });
    app.decorate('cpuModels', cpuModels);
    // Checked once the daemon listens, in the background: a request that comes first waits
    // for the check of its own architecture.
    app.addHook('onReady', () => {
      void cpuModels.checkAll().catch((err: unknown) => {
        if (!app.cpuModels.closed) log.warn({ err }, 'checking the CPU models failed');
      });
    });
    app.addHook('onClose', () => cpuModels.close());
  },
  { name: 'emulators', dependencies: ['config'] },
);
