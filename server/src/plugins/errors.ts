/**
 * One error body for every 4xx/5xx: `{ code, message, detail? }`. AppErrors are sent as they
 * are; Fastify's own client errors get a readable message; anything else is logged and sent
 * as a bare 500 so internals never reach the browser.
 */
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import type { ApiError } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';

const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Only application/json request bodies are accepted.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'bad_request',
    message: 'The request has Content-Type application/json but an empty body.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'bad_request',
    message: 'The request body is not valid JSON.',
  },
};

export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
      // The client left, and whatever was waiting for podman on its behalf was cut: nothing
      // failed, and no one is there to read an answer.
      if (request.closed.aborted) {
        request.log.debug({ err: error }, 'client left before the answer');
        return reply.code(499).send({ code: 'client_gone', message: 'The client left.' });
      }
      if (error instanceof AppError) {
        // A 5xx is ours or the engine's to fix: the log keeps what happened underneath, so a
        // 502 is never just a status line there.
        if (error.statusCode >= 500) {
          const level = error.statusCode === 500 ? 'error' : 'warn';
          request.log[level]({ err: error, cause: error.cause }, `request failed: ${error.code}`);
        }
        return reply.code(error.statusCode).send(error.toBody());
      }
      if (error.validation) {
        const body: ApiError = {
          code: 'bad_request',
          message: `Invalid request: ${error.message}`,
        };
        return reply.code(400).send(body);
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const known = FASTIFY_CODES[error.code];
        const body: ApiError = known ?? { code: 'bad_request', message: error.message };
        return reply.code(status).send(body);
      }
      request.log.error({ err: error }, 'request failed');
      const body: ApiError = {
        code: 'internal',
        message: 'Internal error in the archdeck daemon; its log has the details.',
      };
      return reply.code(500).send(body);
    });
  },
  { name: 'errors', dependencies: ['request-signal'] },
);
