import fp from 'fastify-plugin';
import { Registries } from '../registries/registries.js';

declare module 'fastify' {
  interface FastifyInstance {
    registries: Registries;
  }
}

/** The host's registry configuration, credentials and certificates, read where podman reads them. */
export default fp(
  async (app) => {
    const { config } = app;
    app.decorate(
      'registries',
      new Registries(
        {
          registriesConf: config.registriesConf,
          registriesConfDirs: config.registriesConfDirs,
          shortNameAliasesConf: config.shortNameAliasesConf,
          authFile: config.authFile,
          authFiles: config.authFiles,
          certsDirs: config.certsDirs,
        },
        app.log.child({ module: 'registries' }),
      ),
    );
  },
  { name: 'registries', dependencies: ['config'] },
);
