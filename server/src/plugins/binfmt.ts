import fp from 'fastify-plugin';
import { BinfmtFs } from '../binfmt/binfmt-fs.js';

declare module 'fastify' {
  interface FastifyInstance {
    binfmt: BinfmtFs;
  }
}

export default fp(
  async (app) => {
    app.decorate('binfmt', new BinfmtFs(app.config.binfmtRoot));
  },
  { name: 'binfmt', dependencies: ['config'] },
);
