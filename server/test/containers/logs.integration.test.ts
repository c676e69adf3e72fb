/**
 * GET /api/containers/:id/logs over real HTTP against the private podman service. Containers
 * are made straight through the engine's client (the containers API is not what is tested
 * here) from the loopback registry's busybox, and removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { get as httpGet, globalAgent, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { LogEnd, LogLine } from '@archdeck/shared';
import {
  buildTestApp,
  testEnv,
  type TestApp,
  podmanClient,
  startContainer as runThroughDaemon,
} from '../helper.js';
import { readSse } from '../../src/lib/sse-read.js';

const run = promisify(execFile);
const env = testEnv();
let t: TestApp;
let base: string;
const created: string[] = [];
const images: Record<string, string> = {};

type Docker = ReturnType<typeof podmanClient>;
const docker = (): Docker => podmanClient();

/** Pulls one platform of the test image and returns its id, short (podman's compat create
 * refuses a bare 64-hex id as a name). The tag moves between platforms, the id does not. */
async function pullImage(platform: string): Promise<string> {
  const at = env.image.lastIndexOf(':');
  const [fromImage, tag] = [env.image.slice(0, at), env.image.slice(at + 1)];
  for (let attempt = 0; ; attempt++) {
    const stream = await docker().createImage({ fromImage, tag, platform });
    await new Promise<void>((resolve, reject) =>
      docker().modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
    );
    const image = await docker().getImage(env.image).inspect();
    // Another test may have pulled another platform of the same tag in between.
    if (`linux/${image.Architecture}` === platform)
      return image.Id.replace(/^sha256:/, '').slice(0, 12);
    if (attempt === 3) throw new Error(`${env.image} did not stay ${platform}`);
  }
}

interface RunOptions {
  tty?: boolean;
  platform?: string;
  autoRemove?: boolean;
}

async function startContainer(cmd: string[], opts: RunOptions = {}): Promise<string> {
  const c = await docker().createContainer({
    name: `archdeck-logs-test-${process.pid}-${created.length}`,
    Image: images[opts.platform ?? 'linux/amd64'],
    Cmd: cmd,
    Tty: opts.tty ?? false,
    HostConfig: { AutoRemove: opts.autoRemove ?? false },
  });
  created.push(c.id);
  await c.start();
  return c.id;
}

async function runToExit(cmd: string[], opts: RunOptions = {}) {
  const id = await startContainer(cmd, opts);
  await docker().getContainer(id).wait();
  return id;
}

function openLogs(id: string, query: string, signal?: AbortSignal): Promise<Response> {
  // fetch sends Host: 127.0.0.1:<port>, which the allowlist accepts for the listening port.
  return fetch(`${base}/api/containers/${id}/logs?${query}`, {
    headers: { authorization: `Bearer ${t.token}` },
    signal,
  });
}

interface Collected {
  lines: LogLine[];
  batches: number[];
  end: LogEnd | null;
  events: string[];
}

/** Reads a log stream until the server ends it, or until `until` says enough. */
async function collect(
  id: string,
  query: string,
  until: (c: Collected) => boolean = () => false,
): Promise<Collected> {
  const abort = new AbortController();
  const res = await openLogs(id, query, abort.signal);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const c: Collected = { lines: [], batches: [], end: null, events: [] };
  try {
    for await (const e of readSse(res.body!)) {
      c.events.push(e.event);
      if (e.event === 'lines') {
        const { lines } = e.data as { lines: LogLine[] };
        c.batches.push(lines.length);
        c.lines.push(...lines);
      } else if (e.event === 'end') {
        c.end = e.data as LogEnd;
      }
      if (until(c)) break;
    }
  } finally {
    abort.abort();
  }
  return c;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const seqText = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
const texts = (c: Collected) => c.lines.map((l) => l.t);

/** Every line 1..n, in order, all stdout: checked line by line and by checksum. */
function expectSeq(c: Collected, n: number) {
  expect(c.lines.length).toBe(n);
  const firstWrong = c.lines.findIndex((l, i) => l.t !== String(i + 1) || l.s !== 'out');
  expect(firstWrong, JSON.stringify(c.lines.slice(firstWrong - 2, firstWrong + 3))).toBe(-1);
  expect(sha(c.lines.map((l) => `${l.t}\n`).join(''))).toBe(sha(seqText(n)));
  expect(Math.max(...c.batches)).toBeLessThanOrEqual(1000);
}

/**
 * The podman connections this process holds, counted on podman's side: `ss -x` lists, for
 * every socket podman accepted on its API socket, the inode of the client socket at the
 * other end (the "peer"); /proc/self/fd names the socket inodes this process has open. The
 * daemon runs in this process, so its connections are exactly podman's sockets whose peer is
 * one of ours. Node's HTTP agent keeps finished connections open for reuse (5 s); those are
 * in globalAgent.freeSockets and not counted as in use.
 */
async function podmanConnections(): Promise<{ server: string; peer: string }[]> {
  const ours = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) ours.add(inode);
  }
  const { stdout } = await run('ss', ['-xn']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === 'ESTAB' && f[4] === env.socket && ours.has(f[7]!))
    .map((f) => ({ server: f[5]!, peer: f[7]! }));
}

/** Bytes podman sent that this process has not read yet, over all its podman connections. */
async function unreadFromPodman(): Promise<number> {
  const peers = new Set((await podmanConnections()).map((c) => c.peer));
  const { stdout } = await run('ss', ['-xn']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === 'ESTAB' && peers.has(f[5]!))
    .reduce((n, f) => n + Number(f[2]), 0);
}

/** Idle keep-alive connections to podman (the agent names a pool after its socket path). */
const idleSockets = () =>
  Object.entries(globalAgent.freeSockets)
    .filter(([name]) => name.endsWith(`:${env.socket}`))
    .reduce((n, [, list]) => n + (list?.length ?? 0), 0);
const inUse = async () => (await podmanConnections()).length - idleSockets();

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  await vi.waitFor(() => expect(t.app.engine.reachable).toBe(true), { timeout: 20_000 });
  images['linux/arm64'] = await pullImage('linux/arm64');
  images['linux/amd64'] = await pullImage('linux/amd64');
});

afterAll(async () => {
  await Promise.all(
    created.map((id) =>
      docker()
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await t.app.close();
});

describe('200,000 numbered lines', () => {
  it('gives a stopped container the full history, from its log file and from podman', async () => {
    const id = await runToExit(['seq', '1', '200000']);
    // podman keeps a k8s-file log here, which the daemon reads itself; a `since` makes it
    // ask podman's API instead.
    const { LogPath } = (await docker().getContainer(id).inspect()) as { LogPath?: string };
    expect(LogPath).toMatch(/ctr\.log$/);
    for (const query of ['follow=false', 'follow=true', 'follow=false&since=1']) {
      const c = await collect(id, `${query}&tail=1000000`);
      expectSeq(c, 200_000);
      expect(c.end).toEqual({ exitCode: 0, running: false });
      expect(c.events.at(-1)).toBe('end');
    }
  });

  it('follows a running container live, every line in order', async () => {
    const id = await startContainer(['sh', '-c', 'sleep 1; seq 1 200000; sleep 600']);
    const c = await collect(id, 'tail=1000000', (c) => c.lines.length >= 200_000);
    expectSeq(c, 200_000);
    expect(c.end).toBeNull();
  });

  // `since=1` (everything) makes the daemon follow through podman's API, not the log file.
  it.each(['', '&since=1'])(
    'follows a container through its exit without losing the lines podman cuts (%s)',
    async (query) => {
      const id = await startContainer(['sh', '-c', 'sleep 1; seq 1 200000']);
      const c = await collect(id, `follow=true&tail=1000000${query}`);
      expectSeq(c, 200_000);
      expect(c.end).toEqual({ exitCode: 0, running: false });
    },
  );
});

describe('streams', () => {
  it('keeps stdout and stderr apart (arm64, emulated)', async () => {
    const id = await runToExit(['sh', '-c', 'uname -m; echo err1 >&2; echo out2; echo err2 >&2'], {
      platform: 'linux/arm64',
    });
    const c = await collect(id, 'follow=false');
    expect(c.lines.filter((l) => l.s === 'out').map((l) => l.t)).toEqual(['aarch64', 'out2']);
    expect(c.lines.filter((l) => l.s === 'err').map((l) => l.t)).toEqual(['err1', 'err2']);
  });

  it('reads a TTY container as plain stdout lines without \\r', async () => {
    const id = await runToExit(['sh', '-c', 'echo out; echo err >&2; printf "no newline"'], {
      tty: true,
    });
    const c = await collect(id, 'follow=false');
    expect(c.lines).toEqual([
      { s: 'out', t: 'out' },
      { s: 'out', t: 'err' },
      { s: 'out', t: 'no newline' },
    ]);
  });

  it.each(['', '&since=1'])(
    'ends with the exit code of a container that exits mid-follow (%s)',
    async (query) => {
      const id = await startContainer(['sh', '-c', 'echo a; sleep 1; printf b; exit 3']);
      const c = await collect(id, `follow=true${query}`);
      expect(texts(c)).toEqual(['a', 'b']);
      expect(c.end).toEqual({ exitCode: 3, running: false });
    },
  );

  it('ends cleanly for a container removed on exit (autoRemove)', async () => {
    // Line 1 comes at once, so the follow is open well before the exit removes the log.
    const id = await startContainer(['sh', '-c', 'echo 1; sleep 3; echo 2; echo 3'], {
      autoRemove: true,
    });
    const c = await collect(id, 'follow=true');
    // podman deletes the log with the container, sometimes before its follow has read the
    // last lines (about one run in ten here): they are lost to everyone, but never reordered.
    expect(['1', '2', '3'].slice(0, c.lines.length)).toEqual(texts(c));
    expect(c.lines.length).toBeGreaterThan(0);
    expect(c.end).toMatchObject({ running: false });
    expect(c.events.at(-1)).toBe('end');
  });

  it('sends the last `tail` lines (500 by default), with timestamps when asked', async () => {
    const id = await runToExit(['sh', '-c', 'seq 1 1000; printf "%20000s\\n" | tr " " x']);
    expect(texts(await collect(id, 'tail=3'))).toEqual(['999', '1000', 'x'.repeat(20000)]);
    expect(texts(await collect(id, 'tail=0'))).toEqual([]);
    const defaults = await collect(id, '');
    expect(defaults.lines.length).toBe(500);
    expect(defaults.lines[0]!.t).toBe('502');
    // The 20,000-byte line is three podman entries, each with a timestamp; one is kept.
    const stamped = texts(await collect(id, 'tail=2&timestamps=true'));
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) 1000$/);
    expect(stamped[1]).toMatch(/^\S+ x{20000}$/);
  });

  it('sends nothing from before `since`', async () => {
    const id = await runToExit(['echo', 'old']);
    const c = await collect(id, `since=${Math.floor(Date.now() / 1000) + 3600}`);
    expect(c.lines).toEqual([]);
    expect(c.end).toEqual({ exitCode: 0, running: false });
  });
});

describe('a container the daemon launched (attached before its start)', () => {
  it('follows it from the launch, so podman need not have a log at all', async () => {
    // Without a log driver podman keeps no log: every line here came through the attach.
    const c0 = await docker().createContainer({
      name: `archdeck-logs-test-${process.pid}-${created.length}`,
      Image: images['linux/arm64'],
      Cmd: ['sh', '-c', 'echo first; uname -m >&2; seq 1 1000; sleep 1; printf last; exit 3'],
      HostConfig: { LogConfig: { Type: 'none', Config: {} } },
    });
    created.push(c0.id);
    await t.app.containers.outputs.attach(c0.id, false);
    await c0.start();
    const c = await collect(c0.id, 'tail=1000000');
    expect(c.lines.slice(0, 2)).toEqual([
      { s: 'out', t: 'first' },
      { s: 'err', t: 'aarch64' },
    ]);
    expect(texts(c).slice(2)).toEqual([...seqText(1000).split('\n').slice(0, -1), 'last']);
    expect(c.end).toEqual({ exitCode: 3, running: false });
    // The launch is kept a while after the exit: a page opened now still gets it all.
    expect(t.app.containers.outputs.get(c0.id)?.state).toBe('ended');
    const again = await collect(c0.id, 'tail=2');
    expect(texts(again)).toEqual(['1000', 'last']);
    expect(again.end).toEqual({ exitCode: 3, running: false });
  });

  it('shows a second run of a launched container, though its first launch is still kept', async () => {
    const { id } = await runThroughDaemon(
      t,
      { image: env.image, platform: 'linux/amd64', cmd: ['sh', '-c', 'echo run'] },
      { host: new URL(base).host },
    );
    created.push(id);
    await docker().getContainer(id).wait();
    expect(texts(await collect(id, 'tail=100'))).toEqual(['run']);
    expect(t.app.containers.outputs.get(id)?.state).toBe('ended');
    // Started again behind the daemon's back: the kept launch has only the first run.
    await docker().getContainer(id).start();
    await docker().getContainer(id).wait();
    const again = await collect(id, 'tail=100');
    expect(texts(again)).toEqual(['run', 'run']);
    expect(again.end).toEqual({ exitCode: 0, running: false });
  });

  it('goes on from the same line in the log file when the launch is cut', async () => {
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      // The app listens here on a port of its own, which the Host allowlist follows.
      headers: { host: new URL(base).host },
      payload: {
        image: env.image,
        platform: 'linux/amd64',
        cmd: ['sh', '-c', 'seq 1 100000; sleep 2; seq 100001 200000; sleep 600'],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json<{ id: string }>();
    created.push(id);
    let cutWhileOpen: boolean | null = null;
    const c = await collect(id, 'tail=1000000', (c) => {
      if (cutWhileOpen === null && c.lines.length >= 100_000) {
        cutWhileOpen = t.app.containers.outputs.get(id)?.state === 'open';
        t.app.containers.outputs.detach(id);
      }
      return c.lines.length >= 200_000;
    });
    expect(cutWhileOpen).toBe(true);
    expectSeq(c, 200_000);
  });
});

describe('a slow client', () => {
  /** Bytes this process has read from files and sockets so far (the daemon runs in it). */
  const bytesRead = async () =>
    Number(/^rchar: (\d+)$/m.exec(await readFile('/proc/self/io', 'utf8'))![1]);

  /**
   * A client that stops reading: once the buffers to it are full the daemon stops reading the
   * log, shown by `stalled` holding for a whole second; then every line still arrives.
   */
  async function stallThenRead(query: string, stalled: (id: string) => Promise<boolean>) {
    // 40 MB: more than the loopback TCP buffers between the client and the daemon can hold.
    const pad = 'x'.repeat(400);
    const id = await startContainer([
      'sh',
      '-c',
      `sleep 1; seq 1 100000 | sed 's/$/ ${pad}/'; sleep 600`,
    ]);
    // node:http rather than fetch: a paused IncomingMessage stops reading its socket, where
    // fetch may go on buffering the body in memory.
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(
        `${base}/api/containers/${id}/logs?follow=true&tail=0${query}`,
        { headers: { authorization: `Bearer ${t.token}` } },
        resolve,
      ).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    res.pause();
    let since: number | null = null;
    await expect
      .poll(
        async () => {
          if (!(await stalled(id))) since = null;
          else since ??= Date.now();
          return since !== null && Date.now() - since >= 1000;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
    const rest = res as AsyncIterable<Uint8Array>;
    let n = 0;
    let wrong: string | null = null;
    for await (const e of readSse(rest)) {
      if (e.event !== 'lines') continue;
      for (const line of (e.data as { lines: LogLine[] }).lines) {
        n++;
        if (wrong === null && line.t !== `${n} ${pad}`) wrong = `line ${n}: ${line.t.slice(0, 20)}`;
      }
      if (n >= 100_000) break;
    }
    res.destroy();
    expect(wrong).toBeNull();
    expect(n).toBe(100_000);
  }

  it('stops reading the log file while the client does not read, and still sends every line', async () => {
    // The file grows past 30 MB while what this process has read since the stream opened stays
    // far below it and does not move for a second (a daemon that kept reading would have read
    // the file whole).
    let start: number | null = null;
    let last = -1;
    await stallThenRead('', async (id) => {
      const now = await bytesRead();
      start ??= now;
      const still = now - last < 64 * 1024;
      last = now;
      const { LogPath } = (await docker().getContainer(id).inspect()) as { LogPath: string };
      const size = (await stat(LogPath)).size;
      return still && size > 30e6 && now - start < size - 16e6;
    });
  });

  it('stops podman while it does not read, and still gets every line (through the API)', async () => {
    // podman's bytes sit unread in the kernel, the same count for a whole second (a daemon that
    // kept reading, even in bursts, would change it or empty it).
    let seen = -1;
    await stallThenRead('&since=1', async () => {
      const bytes = await unreadFromPodman();
      const same = bytes === seen;
      seen = bytes;
      return same && bytes > 32 * 1024;
    });
  });
});

describe('connections', () => {
  it('releases the podman stream within a second of the client leaving, 100 times over (through the API)', async () => {
    const id = await startContainer(['sh', '-c', 'while true; do echo tick; sleep 0.1; done']);
    await expect
      .poll(async () => (await collect(id, 'follow=false')).lines.length)
      .toBeGreaterThan(0);
    const before = await inUse();

    // One cycle watched closely: podman's own end of the log connection goes away.
    const during = new Set((await podmanConnections()).map((c) => c.server));
    const abort = new AbortController();
    const res = await openLogs(id, 'follow=true&tail=5&since=1', abort.signal);
    const events = readSse(res.body!);
    expect((await events.next()).value).toMatchObject({ event: 'lines' });
    await expect.poll(inUse).toBe(before + 1);
    for (const c of await podmanConnections()) during.add(c.server);
    abort.abort();
    await expect
      .poll(
        async () => {
          const { stdout } = await run('ss', ['-xn']);
          const podmanSide = stdout
            .split('\n')
            .map((line) => line.trim().split(/\s+/))
            .filter((f) => f[4] === env.socket && during.has(f[5]!));
          return podmanSide.length - idleSockets();
        },
        { timeout: 1000, interval: 20 },
      )
      .toBe(before);

    for (let i = 0; i < 100; i++) {
      const abort = new AbortController();
      const res = await openLogs(id, 'follow=true&tail=5&since=1', abort.signal);
      expect(res.status).toBe(200);
      await readSse(res.body!).next();
      abort.abort();
    }
    await expect.poll(inUse, { timeout: 1000, interval: 20 }).toBe(before);
  });

  it('closes the log file and its inotify watch when the client leaves, 100 times over', async () => {
    const id = await startContainer(['sh', '-c', 'while true; do echo tick; sleep 0.1; done']);
    const { LogPath } = (await docker().getContainer(id).inspect()) as { LogPath: string };
    /** This process's open files that are the log or an inotify instance. */
    const held = async () => {
      let n = 0;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target === LogPath || target === 'anon_inode:inotify') n++;
      }
      return n;
    };
    const before = await held();
    const abort = new AbortController();
    const res = await openLogs(id, 'follow=true&tail=5', abort.signal);
    expect((await readSse(res.body!).next()).value).toMatchObject({ event: 'lines' });
    // The file, and a watch on it, while the follow is open; podman is not asked.
    expect(await held()).toBeGreaterThan(before);
    abort.abort();
    for (let i = 0; i < 100; i++) {
      const abort = new AbortController();
      const res = await openLogs(id, 'follow=true&tail=5', abort.signal);
      expect(res.status).toBe(200);
      await readSse(res.body!).next();
      abort.abort();
    }
    await expect.poll(held, { timeout: 1000, interval: 20 }).toBe(before);
  });
});

describe('clients that leave before the stream opens', () => {
  /** The private podman service's pid, which testenv.sh wrote. */
  const podmanPid = async () =>
    Number((await readFile(`${process.env.ARCHDECK_TESTENV_DIR}/podman.pid`, 'utf8')).trim());

  it.each([
    ['the log file', 'follow=true&tail=500'],
    ["podman's API", 'follow=true&tail=500&timestamps=true'],
  ])(
    'hold nothing once gone, though podman was frozen while they waited (%s)',
    async (_path, query) => {
      const id = await startContainer(['sh', '-c', 'while true; do echo tick; sleep 0.1; done']);
      const { LogPath } = (await docker().getContainer(id).inspect()) as { LogPath: string };
      await expect
        .poll(async () => (await collect(id, 'follow=false')).lines.length)
        .toBeGreaterThan(0);
      /** This process's handles on the log file and inotify instances (a follow's watch). */
      const files = async () => {
        let log = 0;
        let inotify = 0;
        for (const fd of await readdir('/proc/self/fd')) {
          const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
          if (target === LogPath) log++;
          if (target === 'anon_inode:inotify') inotify++;
        }
        return { log, inotify };
      };
      // The daemon's own event subscription holds one connection; idle ones are not counted.
      const connections = await inUse();
      const before = await files();

      // podman stops answering: every client's inspect waits, and every client gives up.
      const pid = await podmanPid();
      process.kill(pid, 'SIGSTOP');
      try {
        const clients = Array.from({ length: 20 }, async () => {
          const abort = new AbortController();
          const res = openLogs(id, query, abort.signal).catch(() => null);
          await new Promise((r) => setTimeout(r, 300));
          abort.abort();
          await res;
        });
        await Promise.all(clients);
        await new Promise((r) => setTimeout(r, 1200));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      // Within seconds (not at the container's exit): no podman connection, no log handle.
      await expect.poll(inUse, { timeout: 3000, interval: 50 }).toBe(connections);
      await expect.poll(files, { timeout: 3000 }).toEqual(before);
    },
  );
});

describe('bad requests', () => {
  it('refuses bad ids with 400 before podman is asked', async () => {
    // A daemon whose podman is unreachable: a 400 proves the route never got to ask it.
    const offline = await buildTestApp({ podmanSocket: '/nonexistent/podman.sock' });
    try {
      for (const id of ['..%2Fx', 'a;b', 'a%3Bb', '.hidden', '%20', '-x']) {
        const res = await offline.api({ url: `/api/containers/${id}/logs` });
        expect(res.statusCode, id).toBe(400);
        expect(res.json().code).toBe('bad_request');
      }
      // Fastify's router turns away a path parameter over its maxParamLength (100) as an
      // unknown route, before any schema: a 404, still without asking podman.
      const long = await offline.api({ url: `/api/containers/${'a'.repeat(300)}/logs` });
      expect([400, 404]).toContain(long.statusCode);
      expect((await offline.api({ url: '/api/containers/fine/logs?tail=-1' })).statusCode).toBe(
        400,
      );
      expect((await offline.api({ url: '/api/containers/fine/logs' })).statusCode).toBe(503);
    } finally {
      await offline.app.close();
    }
  });

  it('answers 404 for an unknown container, before the stream opens', async () => {
    for (const id of ['no-such-container', 'a'.repeat(64)]) {
      const res = await openLogs(id, '');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    }
  });
});
