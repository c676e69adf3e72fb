import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that trickles the upstream's bytes back to the client, so that a
 * pull of a small image from the loopback registry takes seconds: long enough to break
 * something in the middle of it. Used by the server's fault tests and the e2e journeys.
 */
export interface ThrottledProxy {
  /** Stops listening and cuts every connection: the registry "goes away". */
  close(): Promise<void>;
}

export async function startThrottledProxy(o: {
  /** host:port to listen on (a registry address podman's registries.conf knows). */
  listen: string;
  /** host:port of the real service. */
  upstream: string;
  bytesPerTick?: number;
  tickMs?: number;
}): Promise<ThrottledProxy> {
  const { bytesPerTick = 16 * 1024, tickMs = 50 } = o;
  const [upHost, upPort] = o.upstream.split(':');
  const [host, port] = o.listen.split(':');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(upPort), upHost);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    const queue: Buffer[] = [];
    const timer = setInterval(() => {
      let budget = bytesPerTick;
      while (budget > 0 && queue.length) {
        const head = queue[0]!;
        const part = head.subarray(0, budget);
        client.write(part);
        budget -= part.length;
        if (part.length === head.length) queue.shift();
        else queue[0] = head.subarray(part.length);
      }
    }, tickMs);
    upstream.on('data', (d: Buffer) => queue.push(d));
    const end = () => {
      clearInterval(timer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // The upstream's end is not the client's: what is queued still trickles out.
    client.on('close', end).on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), host, resolve);
  });
  return {
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
