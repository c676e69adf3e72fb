import fp from 'fastify-plugin';
import { BinfmtFs } from '../emulators/binfmt-fs.js';
import { EmulatorsService } from '../emulators/emulators.js';
import { hostInfo } from '../host/host-info.js';

declare module 'fastify' {
  interface FastifyInstance {
    binfmt: BinfmtFs;
    emulators: EmulatorsService;
  }
}

export default fp(
  async (app) => {
    const fs = new BinfmtFs(app.config.binfmtRoot);
    app.decorate('binfmt', fs);
    app.decorate(
      'emulators',
      new EmulatorsService({
        fs,
        confDirs: app.config.binfmtConfDirs,
        hostArch: hostInfo().arch,
        isRoot: app.config.isRoot,
      }),
    );
  },
  { name: 'emulators', dependencies: ['config'] },
);
