/**
 * The baseline server for B4 and B6: the workspace's own Fastify with the daemon's server
 * options and nothing else. `GET /health` answers like the daemon's public /api/health;
 * `GET /events` is an idle Server-Sent Events stream with the daemon's headers and heartbeat.
 *
 *   node bench/bare-fastify.mjs [port]   prints "listening <port>" when ready
 */
import { pathToFileURL } from 'node:url';
import { resolveFrom } from './lib.mjs';

const { default: Fastify } = await import(pathToFileURL(resolveFrom('server', 'fastify')).href);

const app = Fastify({
  logger: { level: 'warn' },
  bodyLimit: 1024 * 1024,
  requestTimeout: 0,
  trustProxy: false,
  forceCloseConnections: true,
});

app.get('/health', async () => ({ ok: true }));

app.get('/events', (request, reply) => {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': bare\n\n');
  res.write(`event: hello\ndata: ${JSON.stringify({ podman: true })}\n\n`);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
  request.raw.on('close', () => clearInterval(heartbeat));
});

await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
process.stdout.write(`listening ${app.server.address().port}\n`);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => app.close().then(() => process.exit(0)));
