/**
 * Terminals over a real listening app and a real WebSocket client, against the private podman
 * service: an arm64 busybox (through qemu) gets a shell, resizes, and loses its process when
 * the socket closes; refused handshakes never start an exec; the program reads exactly the
 * bytes typed, nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import type { ContainerSummary, TerminalEvent, TerminalTicket } from '@archdeck/shared';
import { buildTestApp, testEnv, type TestApp, podmanClient } from '../helper.js';

const env = testEnv();
let t: TestApp;
let port: number;
let origin: string;
let containerId: string;
const created: string[] = [];

type Docker = ReturnType<typeof podmanClient>;
const docker = (): Docker => podmanClient();

/** Pulls the arm64 image of the test tag and returns its short id (the tag moves, the id not). */
async function pullArm64(): Promise<string> {
  const at = env.image.lastIndexOf(':');
  const [fromImage, tag] = [env.image.slice(0, at), env.image.slice(at + 1)];
  for (let attempt = 0; ; attempt++) {
    const stream = await docker().createImage({ fromImage, tag, platform: 'linux/arm64' });
    await new Promise<void>((resolve, reject) =>
      docker().modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
    );
    const image = await docker().getImage(env.image).inspect();
    if (image.Architecture === 'arm64') return image.Id.replace(/^sha256:/, '').slice(0, 12);
    if (attempt === 3) throw new Error(`${env.image} did not stay linux/arm64`);
  }
}

async function startContainer(image: string, tty = false): Promise<string> {
  const c = await docker().createContainer({
    name: `archdeck-terminal-test-${process.pid}-${created.length}`,
    Image: image,
    Cmd: tty ? ['sh'] : ['sleep', '600'],
    Tty: tty,
    OpenStdin: tty,
  });
  created.push(c.id);
  await c.start();
  return c.id;
}

async function execIds(id: string): Promise<string[]> {
  const info = (await docker().getContainer(id).inspect()) as { ExecIDs?: string[] | null };
  return info.ExecIDs ?? [];
}

/** inject() with the Host the listening app answers to. */
const api = (opts: Parameters<TestApp['api']>[0]) =>
  t.api({ ...opts, headers: { host: `127.0.0.1:${port}`, ...opts.headers } });

async function ticket(
  id = containerId,
  body: Record<string, unknown> = { mode: 'exec', cols: 80, rows: 24 },
): Promise<TerminalTicket> {
  const res = await api({ method: 'POST', url: `/api/containers/${id}/terminal`, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as TerminalTicket;
}

interface Terminal {
  ws: WebSocket;
  events: TerminalEvent[];
  output: () => string;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens the WebSocket; rejects with the HTTP status when the handshake is refused. */
function open(path: string, headers: Record<string, string>): Promise<Terminal> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
  const events: TerminalEvent[] = [];
  const chunks: Buffer[] = [];
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (isBinary) chunks.push(buf);
    else events.push(JSON.parse(buf.toString('utf8')) as TerminalEvent);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({ ws, events, output: () => Buffer.concat(chunks).toString('utf8'), closed }),
    );
    ws.once('unexpected-response', (_req, res) => {
      reject(
        Object.assign(new Error(`handshake refused: ${res.statusCode}`), {
          status: res.statusCode,
        }),
      );
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const good = () => ({ authorization: `Bearer ${t.token}`, origin });

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  await t.app.engine.settled();
  containerId = await startContainer(await pullArm64());
}, 180_000);

afterAll(async () => {
  for (const id of created) {
    await docker()
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  await t?.app.close();
}, 60_000);

describe('terminal', () => {
  it('runs a shell in an arm64 container, resizes it and ends it when the socket closes', async () => {
    const before = await execIds(containerId);
    const { path, expiresInMs } = await ticket();
    expect(expiresInMs).toBe(30_000);
    const term = await open(path, good());
    await expect.poll(() => term.events[0], { timeout: 30_000 }).toEqual({ type: 'ready' });

    term.ws.send(Buffer.from('uname -m\r'));
    await expect.poll(term.output, { timeout: 60_000 }).toMatch(/aarch64/);

    term.ws.send(JSON.stringify({ type: 'resize', cols: 123, rows: 45 }));
    await expect
      .poll(
        async () => {
          term.ws.send(Buffer.from('stty size\r'));
          await new Promise((r) => setTimeout(r, 500));
          return term.output();
        },
        { timeout: 60_000, interval: 100 },
      )
      .toMatch(/45 123/);

    const ids = (await execIds(containerId)).filter((id) => !before.includes(id));
    expect(ids).toHaveLength(1);
    const exec = docker().getExec(ids[0]!);
    const { Pid: pid, Running } = (await exec.inspect()) as { Pid: number; Running: boolean };
    expect(Running).toBe(true);
    expect(pid).toBeGreaterThan(1);

    term.ws.close();
    await expect
      .poll(async () => ((await exec.inspect()) as { Running: boolean }).Running, {
        timeout: 1000,
        interval: 50,
      })
      .toBe(false);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    await expect.poll(() => t.app.terminals.sessions.size).toBe(0);
  }, 120_000);

  it('reports the exit code when the shell exits, then closes normally', async () => {
    const term = await open((await ticket()).path, good());
    await expect.poll(() => term.events[0], { timeout: 30_000 }).toEqual({ type: 'ready' });
    term.ws.send(Buffer.from('exit 3\r'));
    const closed = await term.closed;
    expect(closed.code).toBe(1000);
    expect(term.events).toContainEqual({ type: 'exit', code: 3 });
  }, 60_000);

  it('closes the socket on a text frame that is not a terminal control', async () => {
    const term = await open((await ticket()).path, good());
    term.ws.send(JSON.stringify({ type: 'signal', name: 'KILL' }));
    expect((await term.closed).code).toBe(1008);

    const other = await open((await ticket()).path, good());
    other.ws.send('not json');
    expect((await other.closed).code).toBe(1003);
  }, 60_000);

  it.each([
    ['no Origin', (): Record<string, string> => ({ authorization: `Bearer ${t.token}` }), 403],
    ['another Origin', () => ({ ...good(), origin: 'http://evil.example' }), 403],
    ['another port', () => ({ ...good(), origin: `http://127.0.0.1:${port + 1}` }), 403],
    ['no credential', () => ({ origin }), 401],
  ])('refuses the handshake with %s and starts no exec', async (_name, headers, status) => {
    const before = await execIds(containerId);
    const { path } = await ticket();
    await expect(open(path, headers())).rejects.toMatchObject({ status });
    expect((await execIds(containerId)).sort()).toEqual(before.sort());
  });

  it('refuses a used, unknown or expired ticket', async () => {
    const { path } = await ticket();
    const term = await open(path, good());
    // The exec starts after the upgrade; counted before it is ready, it would look like ours.
    await expect.poll(() => term.events[0], { timeout: 30_000 }).toEqual({ type: 'ready' });
    const before = await execIds(containerId);
    await expect(open(path, good())).rejects.toMatchObject({ status: 403 });
    await expect(open('/api/terminal?ticket=nope', good())).rejects.toMatchObject({
      status: 403,
    });
    await expect(open('/api/terminal', good())).rejects.toMatchObject({ status: 403 });
    expect((await execIds(containerId)).sort()).toEqual(before.sort());
    term.ws.close();
    await term.closed;

    // A ticket past its 30 s: the store's clock is moved on rather than the test waiting.
    const expired = await ticket();
    const realNow = Date.now;
    const store = t.app.terminals.tickets as unknown as { now: () => number };
    store.now = () => realNow() + 31_000;
    try {
      await expect(open(expired.path, good())).rejects.toMatchObject({ status: 403 });
    } finally {
      store.now = realNow;
    }
  }, 60_000);

  it('refuses a ticket for a container that is not running, or attach without a TTY', async () => {
    const res = await api({
      method: 'POST',
      url: `/api/containers/${containerId}/terminal`,
      payload: { mode: 'attach', cols: 80, rows: 24 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'no_tty' });

    const stopped = await docker().createContainer({
      name: `archdeck-terminal-test-${process.pid}-stopped`,
      Image: env.image,
      Cmd: ['true'],
    });
    created.push(stopped.id);
    const r2 = await api({
      method: 'POST',
      url: `/api/containers/${stopped.id}/terminal`,
      payload: { mode: 'exec', cols: 80, rows: 24 },
    });
    expect(r2.statusCode).toBe(409);
    expect(r2.json()).toMatchObject({ code: 'not_running' });
  });

  it('caps concurrent terminals with a 429', async () => {
    t.app.terminals.tickets.clear();
    const tickets: TerminalTicket[] = [];
    for (let i = 0; i < 8; i++) tickets.push(await ticket());
    const res = await api({
      method: 'POST',
      url: `/api/containers/${containerId}/terminal`,
      payload: { mode: 'exec', cols: 80, rows: 24 },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ code: 'too_many_terminals' });
    t.app.terminals.tickets.clear();
  });
});

/**
 * What a terminal sends: the bytes podman used to add, then bytes a TTY acts on in its default
 * mode (^C, ^D, ^Z, an arrow key, DEL, CR), NUL and a byte that is not UTF-8.
 */
const PAYLOAD = Buffer.from('0\r\n\r\n\x03\x04\x1a\x1b[A\x7f\x00\xffyes\r', 'latin1');
/**
 * What the program on the other end reads, byte for byte. The busybox image has no bash, so
 * `/bin/bash` (a shell the terminal contract offers) becomes this program: it puts its TTY in
 * raw mode (no echo, no line editing, no signals), says READY, reads as many bytes as the test
 * sends and prints them in hex, then whatever else arrives within a second.
 */
const RECEIVER = [
  '#!/bin/sh',
  'stty raw -echo',
  'echo READY',
  `got=$(dd bs=1 count=${PAYLOAD.length} 2>/dev/null | od -An -tx1 | tr -d ' \\n')`,
  'stty min 0 time 10',
  `rest=$(dd bs=256 count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n')`,
  'echo "GOT:$got:REST:$rest:END"',
  'stty sane',
].join('\n');
/** Installs the receiver, then runs it over and over as the container's own TTY program. */
const RECEIVER_CMD = [
  'sh',
  '-c',
  'printf "%s\\n" "$RECEIVER" > /bin/bash && chmod +x /bin/bash && while :; do /bin/bash; done',
];

/** What the receiver reported, in order. */
const receipts = (text: string) =>
  [...text.matchAll(/GOT:([0-9a-f]*):REST:([0-9a-f]*):END/g)].map(([, got, rest]) => ({
    got,
    rest,
  }));
const sent = { got: PAYLOAD.toString('hex'), rest: '' };

async function containerLog(id: string): Promise<string> {
  const buf = await docker().getContainer(id).logs({ stdout: true, stderr: true, follow: false });
  return buf.toString('latin1');
}

describe('terminal bytes', () => {
  it('delivers exactly the typed bytes: attached at launch, attached later, and exec’d', async () => {
    const res = await api({
      method: 'POST',
      url: '/api/containers',
      payload: {
        image: env.image,
        platform: 'linux/arm64',
        name: `archdeck-terminal-test-${process.pid}-bytes`,
        cmd: RECEIVER_CMD,
        env: [`RECEIVER=${RECEIVER}`],
        tty: true,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as ContainerSummary;
    created.push(id);

    // As the page does after Run: attach at once, then again after a detach.
    for (const round of [1, 2]) {
      const term = await open(
        (await ticket(id, { mode: 'attach', cols: 80, rows: 24 })).path,
        good(),
      );
      await expect.poll(() => term.events[0], { timeout: 30_000 }).toEqual({ type: 'ready' });
      await expect
        .poll(async () => (await containerLog(id)).split('READY').length - 1, { timeout: 60_000 })
        .toBe(round);
      term.ws.send(PAYLOAD);
      await expect
        .poll(async () => receipts(await containerLog(id)), { timeout: 60_000 })
        .toHaveLength(round);
      expect(receipts(await containerLog(id))[round - 1]).toEqual(sent);
      term.ws.close();
      await term.closed;
    }

    // A shell exec'd in it: the receiver installed as /bin/bash.
    const term = await open(
      (await ticket(id, { mode: 'exec', shell: '/bin/bash', cols: 80, rows: 24 })).path,
      good(),
    );
    await expect.poll(term.output, { timeout: 60_000 }).toMatch(/READY/);
    term.ws.send(PAYLOAD);
    await expect.poll(() => receipts(term.output()), { timeout: 60_000 }).toHaveLength(1);
    expect(receipts(term.output())[0]).toEqual(sent);
    expect((await term.closed).code).toBe(1000);
  }, 180_000);
});
