/**
 * The real podman service behind a unix socket of the test's own, which sees every request the
 * daemon makes: it records them, can hold chosen ones back for a while (a podman slow to answer
 * /info, as a cold podman 4.3 is), and can stop answering altogether (a podman that hangs).
 * Nothing is faked: every answer is podman's own. Upgraded connections (attach) pass through.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

export interface PodmanProxy {
  socket: string;
  /** `METHOD /path?query` of every request so far, in order of arrival. */
  requests: string[];
  /** Requests podman has not answered yet (or the proxy holds), by the same key. */
  pending(match: RegExp): number;
  /** From now on, requests whose path matches wait this long before they reach podman. */
  delay(match: RegExp, ms: number): void;
  /** Stops answering: open connections are cut, new ones are accepted and never answered. */
  hang(): void;
  close(): Promise<void>;
}

export async function startPodmanProxy(upstream: string, dir: string): Promise<PodmanProxy> {
  const socket = join(dir, 'proxy.sock');
  const requests: string[] = [];
  const inFlight = new Map<string, number>();
  const delays: Array<{ match: RegExp; ms: number }> = [];
  const sockets = new Set<Socket>();
  let hanging = false;

  const forward = (req: IncomingMessage, res: ServerResponse, key: string) => {
    const up = request(
      { socketPath: upstream, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => inFlight.set(key, (inFlight.get(key) ?? 1) - 1));
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    requests.push(key);
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    if (hanging) return;
    const path = (req.url ?? '').split('?')[0]!;
    const ms = delays.find((d) => d.match.test(path))?.ms ?? 0;
    if (ms > 0) setTimeout(() => forward(req, res, key), ms);
    else forward(req, res, key);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`${req.method} ${req.url}`);
    if (hanging) return;
    const up = connect(upstream, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(client).pipe(up);
    });
    sockets.add(up);
    const end = () => {
      up.destroy();
      client.destroy();
    };
    up.on('error', end).on('close', end);
    client.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });

  return {
    socket,
    requests,
    pending: (match) =>
      [...inFlight].filter(([key, n]) => n > 0 && match.test(key)).reduce((a, [, n]) => a + n, 0),
    delay: (match, ms) => void delays.push({ match, ms }),
    hang() {
      hanging = true;
      for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
