/**
 * GET /api/containers/:id/logs as Server-Sent Events:
 * - `lines` {lines: LogLine[]}: a batch (log-batcher.ts);
 * - `end` {exitCode, running}: the container stopped, or (without follow) the history is
 *   complete; the stream closes after it;
 * - `failed` {code, message}: the stream broke (podman stopped, say); not `error`, which
 *   EventSource uses for its own connection errors. The stream closes after it.
 * An unknown container is a 404 before the stream opens. A slow client gets backpressure, not
 * dropped lines. Where the lines come from is containers/logs.ts's business.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { ContainerParams, LogsQuery, errorResponses, type ApiError } from '@archdeck/shared';
import type { Engine } from '../../engine/engine.js';
import { AppError } from '../../lib/errors.js';
import { openSse } from '../../lib/sse.js';
import { LineBatcher } from './log-batcher.js';

const DEFAULT_TAIL = 500;

/** What ended a stream early, for the user; podman going away is said as such. */
async function failure(err: unknown, log: FastifyBaseLogger, engine: Engine): Promise<ApiError> {
  if (err instanceof AppError && err.statusCode < 500) return err.toBody();
  if (!(await engine.check())) {
    return {
      code: 'podman_stopped',
      message:
        'podman stopped while this log was streaming. archdeck reconnects by itself; open the log again once podman is back (the Host page shows it).',
    };
  }
  if (err instanceof AppError) {
    log.warn({ err }, 'log stream failed');
    return err.toBody();
  }
  log.error({ err }, 'log stream failed');
  return { code: 'internal', message: 'Reading the logs failed; the daemon log has the details.' };
}

const containerLogs: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 } = errorResponses;

  app.get(
    '/api/containers/:id/logs',
    {
      schema: {
        params: ContainerParams,
        querystring: LogsQuery,
        response: { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 },
      },
    },
    async (request, reply) => {
      const { query } = request;
      // Every podman request, file and wait of this stream is cut when the client leaves, from
      // the first await on (the inspect may wait on podman's container lock).
      const signal = request.closed;
      const logs = await app.containers.openLogs(
        request.params.id,
        {
          follow: query.follow ?? true,
          tail: query.tail ?? DEFAULT_TAIL,
          since: query.since,
          timestamps: query.timestamps ?? false,
        },
        signal,
      );
      const sse = openSse(request, reply);
      const batcher = new LineBatcher(sse);
      try {
        const end = await logs.stream(batcher);
        batcher.flush();
        sse.send('end', end);
      } catch (err) {
        batcher.flush();
        if (!signal.aborted) sse.send('failed', await failure(err, request.log, app.engine));
      } finally {
        batcher.dispose();
        logs.close();
        sse.close();
      }
    },
  );
};

export default containerLogs;
