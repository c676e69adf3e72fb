/**
 * Terminals in two steps (the contract is shared/src/terminal.ts):
 * - POST /api/containers/:id/terminal: a normal credentialed, same-origin request checks the
 *   container and returns a single-use ticket bound to what it asked for;
 * - GET /api/terminal?ticket=… as a WebSocket. The handshake needs the session credential, an
 *   Origin that is exactly this daemon's (GET skips the security plugin's Origin check, and a
 *   browser sends Origin on every WebSocket handshake) and a valid ticket, used up at once.
 *   Everything is checked before the upgrade, so a refused handshake never starts an exec.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { RawData } from 'ws';
import { Type } from 'typebox';
import {
  ApiError,
  ContainerParams,
  TerminalRequest,
  TerminalTicket,
  errorResponses,
} from '@archdeck/shared';
import type { TerminalSpec } from '../../engine/types.js';
import { AppError } from '../../lib/errors.js';
import { isSameOrigin } from '../../plugins/security.js';
import { MAX_TERMINALS } from '../../plugins/terminal.js';
import { TerminalSession } from '../../terminal/session.js';
import { TICKET_TTL_MS } from '../../terminal/tickets.js';

const TERMINAL_PATH = '/api/terminal';
const DEFAULT_SHELL = '/bin/sh';

const TerminalQuery = Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 128 }) });

const tooMany = () =>
  new AppError(
    429,
    'too_many_terminals',
    `At most ${MAX_TERMINALS} terminals can be open at once: close one (or wait 30 s for unused ones to expire) and try again.`,
  );

const terminal: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;
  const { 401: e401, 403: e403 } = errorResponses;

  app.post(
    '/api/containers/:id/terminal',
    {
      schema: {
        params: ContainerParams,
        body: TerminalRequest,
        response: {
          201: TerminalTicket,
          ...{ 400: e400, 404: e404, 409: e409, 429: ApiError },
          ...{ 500: e500, 502: e502, 503: e503 },
        },
      },
    },
    async (request, reply) => {
      if (!app.terminals.hasRoom()) throw tooMany();
      const { mode, cols, rows } = request.body;
      const containerId = await app.engine.checkTerminalTarget(request.params.id, mode);
      if (!app.terminals.hasRoom()) throw tooMany();
      const spec: TerminalSpec = {
        containerId,
        mode,
        shell: request.body.shell ?? DEFAULT_SHELL,
        cols,
        rows,
      };
      const ticket = app.terminals.tickets.issue(spec);
      const body: TerminalTicket = {
        ticket,
        path: `${TERMINAL_PATH}?ticket=${encodeURIComponent(ticket)}`,
        expiresInMs: TICKET_TTL_MS,
      };
      return reply.code(201).send(body);
    },
  );

  /** The spec each accepted handshake's ticket was bound to. */
  const granted = new WeakMap<FastifyRequest, TerminalSpec>();

  app.get(
    TERMINAL_PATH,
    {
      websocket: true,
      schema: { querystring: TerminalQuery, response: { 400: e400, 401: e401, 403: e403 } },
      // The auth hook already refused a request without a credential (401).
      preValidation: async (request, reply) => {
        if (!isSameOrigin(request)) {
          const body: ApiError = {
            code: 'cross_origin',
            message: 'A terminal can only be opened from the archdeck page itself.',
          };
          return reply.code(403).send(body);
        }
        const query = request.query as { ticket?: unknown };
        const spec =
          typeof query.ticket === 'string' ? app.terminals.tickets.consume(query.ticket) : null;
        if (!spec) {
          const body: ApiError = {
            code: 'bad_ticket',
            message:
              'This terminal ticket is unknown, used or expired: ask for a new one with POST /api/containers/:id/terminal.',
          };
          return reply.code(403).send(body);
        }
        granted.set(request, spec);
      },
    },
    async (socket, request) => {
      const spec = granted.get(request);
      granted.delete(request);
      if (!spec) {
        socket.close(1008, 'no terminal ticket');
        return;
      }
      // Frames sent while podman starts the shell are kept for the session.
      const early: Array<[RawData, boolean]> = [];
      const hold = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
      socket.on('message', hold);
      let proc;
      try {
        proc = await app.engine.openTerminal(spec);
      } catch (err) {
        const message =
          err instanceof AppError
            ? err.message
            : 'Opening the terminal failed; see the daemon log.';
        if (!(err instanceof AppError)) request.log.error({ err }, 'opening a terminal failed');
        socket.send(JSON.stringify({ type: 'error', message }));
        socket.close(1011, 'opening the terminal failed');
        return;
      }
      if (socket.readyState !== socket.OPEN) {
        // The browser left while podman was starting the shell.
        await proc.close();
        return;
      }
      socket.off('message', hold);
      const session = new TerminalSession(socket, proc, request.log);
      for (const [data, isBinary] of early) session.receive(data, isBinary);
      app.terminals.sessions.add(session);
      void session.done.then(() => app.terminals.sessions.delete(session));
    },
  );
};

export default terminal;
