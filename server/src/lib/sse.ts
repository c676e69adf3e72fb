/**
 * The one Server-Sent Events helper. A stream is a resource: it sends the security headers
 * every response carries, a heartbeat so proxies and dead peers are noticed, and tells its
 * owner when the client goes away so the podman stream behind it is released at once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** false once the socket's buffer is full: the caller should wait for drained(). */
  send(event: string, data: unknown): boolean;
  /** Resolves when the socket can take more (at once if it can), or when the stream closes. */
  drained(): Promise<void>;
  close(): void;
  readonly closed: boolean;
  /** Resolves when the client disconnects or close() is called. */
  readonly done: Promise<void>;
}

export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': archdeck\n\n');

  let closed = false;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    resolveDone();
  };
  // The request's signal, not the socket's events: a client that left before the stream
  // opened (while the route awaited podman) has no close event left to send.
  if (request.closed.aborted) finish();
  else request.closed.addEventListener('abort', finish, { once: true });

  return {
    send(event, data) {
      if (closed) return false;
      return res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    drained() {
      if (closed || !res.writableNeedDrain) return Promise.resolve();
      return Promise.race([new Promise<void>((r) => res.once('drain', r)), done]);
    },
    close() {
      if (!closed) res.end();
      finish();
    },
    get closed() {
      return closed;
    },
    done,
  };
}
