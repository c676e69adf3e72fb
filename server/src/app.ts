/**
 * The archdeck application as a Fastify plugin: plugins first (each owns one resource and its
 * lifecycle), then one plugin per API feature. The process around it lives in main.ts.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from './config.js';
import errors from './plugins/errors.js';
import security from './plugins/security.js';
import requestSignal from './plugins/request-signal.js';
import auth from './plugins/auth.js';
import openapi from './plugins/openapi.js';
import engine from './plugins/engine.js';
import hostsPlugin from './plugins/hosts.js';
import hostsRoutes from './routes/hosts/index.js';
import emulatorsPlugin from './plugins/emulators.js';
import web from './plugins/web.js';
import host from './routes/host/index.js';
import authRoutes from './routes/auth/index.js';
import emulators from './routes/emulators/index.js';
import imagesPlugin from './plugins/images.js';
import images from './routes/images/index.js';
import pulls from './routes/pulls/index.js';
import registriesPlugin from './plugins/registries.js';
import registries from './routes/registries/index.js';
import events from './routes/events/index.js';
import containersPlugin from './plugins/containers.js';
import presetsPlugin from './plugins/presets.js';
import smokeTests from './plugins/smoke-tests.js';
import terminalPlugin from './plugins/terminal.js';
import containers from './routes/containers/index.js';
import presets from './routes/presets/index.js';
import containerLogs from './routes/containers/logs.js';
import terminal from './routes/terminal/index.js';
import buildsPlugin from './plugins/builds.js';
import builds from './routes/builds/index.js';
import manifestsPlugin from './plugins/manifests.js';
import manifests from './routes/manifests/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface AppOptions {
  config: Config;
}

const configPlugin = fp<AppOptions>(
  async (app, opts) => {
    app.decorate('config', opts.config);
  },
  { name: 'config' },
);

export const app: FastifyPluginAsync<AppOptions> = async (instance, opts) => {
  await instance.register(configPlugin, opts);
  await instance.register(requestSignal);
  await instance.register(errors);
  await instance.register(security);
  await instance.register(auth);
  // Before the routes: it records each as it is registered.
  await instance.register(openapi);
  await instance.register(engine);
  await instance.register(hostsPlugin);
  await instance.register(emulatorsPlugin);
  await instance.register(registriesPlugin);
  await instance.register(imagesPlugin);
  await instance.register(containersPlugin);
  await instance.register(presetsPlugin);
  await instance.register(smokeTests);
  await instance.register(terminalPlugin);
  await instance.register(buildsPlugin);
  await instance.register(manifestsPlugin);
  await instance.register(web);
  await instance.register(host);
  await instance.register(authRoutes);
  await instance.register(emulators);
  await instance.register(images);
  await instance.register(pulls);
  await instance.register(registries);
  await instance.register(events);
  await instance.register(containers);
  await instance.register(presets);
  await instance.register(containerLogs);
  await instance.register(terminal);
  await instance.register(builds);
  await instance.register(manifests);
  await instance.register(hostsRoutes);
};

export default fp(app, { name: 'archdeck' });
