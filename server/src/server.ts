import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import archdeck from './app.js';
import type { Config } from './config.js';

/** Redacts the login token from logged URLs (`/?token=…`). */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

export async function buildServer(config: Config): Promise<FastifyInstance> {
  const server = Fastify({
    logger: {
      level: config.logLevel,
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remote: req.ip }),
      },
    },
    // Bodies are small JSON documents; larger uploads opt in per route.
    bodyLimit: 1024 * 1024,
    // Requests with a malformed Host still reach our hook, which answers 421.
    requestTimeout: 0,
    trustProxy: false,
    // Event streams stay open indefinitely; on shutdown they must be cut, not waited for.
    forceCloseConnections: true,
    // Unknown body fields are an error the client must hear about, not something to drop.
    // coerceTypes true (not Fastify's 'array'): a string must not turn into a one-item argv.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await server.register(archdeck, { config });
  return server;
}
