import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import pretty from 'pino-pretty';
import archdeck from './app.js';
import type { Config } from './config.js';

/** One coloured line per event: time, level, message, then the fields that matter. */
export const humanLog = () =>
  pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
  });

/** Redacts the login token from logged URLs (`/?token=…`). */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

export interface BuildOptions {
  /** Sees every route as it is registered (tests use it to cover every route there is). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildServer(
  config: Config,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const server = Fastify({
    logger: {
      level: config.logLevel,
      // Readable lines for a person at a terminal; JSON lines for anything that parses them.
      ...(config.logFormat === 'human' ? { stream: humanLog() } : {}),
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remote: req.ip }),
      },
    },
    // Bodies are small JSON documents; larger uploads opt in per route.
    bodyLimit: 1024 * 1024,
    // A client gets this long to send a whole request, body included, and 10 s for its
    // headers; a slow trickle is cut (checked every 2 s). Answers take as long as they take
    // (event streams, terminals): these limits are on what the client sends.
    requestTimeout: 30_000,
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 2_000 },
    trustProxy: false,
    // Event streams stay open indefinitely; on shutdown they must be cut, not waited for.
    forceCloseConnections: true,
    // Unknown body fields are an error the client must hear about, not something to drop.
    // coerceTypes true (not Fastify's 'array'): a string must not turn into a one-item argv.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.onRoute) server.addHook('onRoute', options.onRoute);
  await server.register(archdeck, { config });
  return server;
}
