import { join } from 'node:path';
import fp from 'fastify-plugin';
import { IndexChecks } from '../presets/index-checks.js';
import { PresetsService } from '../presets/presets.js';
import { PresetStore } from '../presets/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    presets: PresetsService;
  }
}

export default fp(
  async (app) => {
    const log = app.log.child({ module: 'presets' });
    const { store, seeded } = await PresetStore.open(app.config.dataDir, app.config.presets);
    if (!seeded && app.config.presetsFile) {
      log.info(
        `presets: ${store.file} is kept since the first start, so --presets ${app.config.presetsFile} is not read again; remove ${store.file} to start again from it`,
      );
    }
    const checks = new IndexChecks(
      app.registries,
      join(
        app.config.registriesConfDirs[0] ?? '/etc/containers/registries.conf.d',
        '50-mirrors.conf',
      ),
      () => app.engineEvents.publish({ kind: 'preset', action: 'checked', id: null }),
      log,
    );
    const presets = new PresetsService(store, checks, app.emulators, app.engineEvents);
    app.decorate('presets', presets);
    app.addHook('onClose', async () => presets.close());
  },
  { name: 'presets', dependencies: ['engine', 'emulators', 'registries'] },
);
