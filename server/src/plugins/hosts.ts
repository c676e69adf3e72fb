import fp from 'fastify-plugin';
import { Hosts } from '../hosts/hosts.js';

declare module 'fastify' {
  interface FastifyInstance {
    hosts: Hosts;
  }
}

/** The podman hosts: this machine's engine, and one engine per confirmed SSH host. */
export default fp(
  async (app) => {
    const hosts = new Hosts({
      dataDir: app.config.dataDir,
      local: app.engine,
      events: app.engineEvents,
      log: app.log.child({ module: 'hosts' }),
    });
    await hosts.start();
    app.decorate('hosts', hosts);
    app.addHook('onClose', () => hosts.close());
  },
  { name: 'hosts', dependencies: ['engine'] },
);
