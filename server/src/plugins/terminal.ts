/**
 * Terminals: the WebSocket server, the pending tickets and the open sessions. Each session owns
 * an exec'd process; closing the daemon closes every session and so ends every process.
 */
import fp from 'fastify-plugin';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import { TicketStore } from '../terminal/tickets.js';
import type { TerminalSession } from '../terminal/session.js';

/** Open terminals plus unused tickets: each holds (or may soon hold) a process in a container. */
export const MAX_TERMINALS = 8;

declare module 'fastify' {
  interface FastifyInstance {
    terminals: {
      tickets: TicketStore;
      sessions: Set<TerminalSession>;
      /** Whether one more terminal may be opened. */
      hasRoom(): boolean;
    };
  }
}

export default fp(
  async (app) => {
    // A terminal frame is a keystroke batch or a resize; nothing legitimate comes near 64 KiB.
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

    const tickets = new TicketStore();
    const sessions = new Set<TerminalSession>();
    app.decorate('terminals', {
      tickets,
      sessions,
      hasRoom: () => sessions.size + tickets.size < MAX_TERMINALS,
    });

    // Sockets that asked for an upgrade leave the HTTP server's bookkeeping, so neither its
    // close() nor forceCloseConnections ends them (a refused handshake's socket included);
    // keep them here and cut them on shutdown, or closing the daemon waits forever.
    const upgraded = new Set<Duplex>();
    app.server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
    });
    app.addHook('preClose', async () => {
      tickets.clear();
      await Promise.all([...sessions].map((s) => s.shutdown()));
      sessions.clear();
      for (const socket of upgraded) socket.destroy();
    });
  },
  { name: 'terminal', dependencies: ['config', 'engine'] },
);
