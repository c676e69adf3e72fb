/**
 * How the `archdeck` command-line client talks to the daemon: HTTP only, with the token from
 * the daemon's data dir, as any script would. The daemon stays the single authority; the
 * client only asks and shows.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { ApiError, TerminalEvent, TerminalTicket } from '@archdeck/shared';
import { readSse } from '../lib/sse-read.js';

/** A failure to show as one line and exit with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** http://127.0.0.1:8420 unless --url or $ARCHDECK_URL says otherwise. */
  url: string;
  dataDir: string;
}

interface RequestOptions {
  method?: string;
  /** A string is JSON; bytes say their type in `headers`. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** A response body parsed as JSON. */
async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export class DaemonClient {
  private token: string | null = null;

  constructor(readonly o: ClientOptions) {}

  private async auth(): Promise<string> {
    if (this.token) return this.token;
    const path = join(this.o.dataDir, 'token');
    try {
      this.token = (await readFile(path, 'utf8')).trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(
        code === 'EACCES'
          ? `cannot read ${path}: run as the user the daemon runs as (sudo), or pass --data-dir`
          : `no token at ${path}: is the daemon running with that data dir? (npm start, or pass --data-dir)`,
      );
    }
    return this.token;
  }

  /**
   * A request; a 4xx/5xx becomes a CliError with the daemon's message (which has the fix).
   * node:http, not fetch: on Node 20 fetch loads undici and compiles its HTTP parser, llhttp,
   * from WebAssembly, and the process waits at exit for V8 to finish optimising that in the
   * background: 0.5 s here after the answer was in (gone with --liftoff-only), over a second
   * in bench B9, where the client shares its CPU with the daemon.
   */
  private async request(path: string, init: RequestOptions = {}): Promise<IncomingMessage> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.auth()}`,
      ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    };
    let res: IncomingMessage;
    try {
      const url = new URL(path, this.o.url);
      const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(url, { method: init.method ?? 'GET', headers }, resolve);
        req.on('error', reject);
        req.end(init.body);
      });
    } catch {
      throw new CliError(
        `the daemon does not answer at ${this.o.url}: start it with \`npm start\`, or pass --url`,
      );
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const body = (await readJson(res).catch(() => null)) as ApiError | null;
      throw new CliError(body?.message ?? `the daemon answered ${status}`);
    }
    return res;
  }

  async get<T>(path: string): Promise<T> {
    return (await readJson(await this.request(path))) as T;
  }

  /** A JSON body (or none); the JSON answer, undefined for a 204. */
  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.answer<T>(
      await this.request(path, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  }

  /** Bytes of `type` (a tar, an ELF head) POSTed; the JSON answer. */
  async upload<T>(path: string, bytes: Uint8Array, type: string): Promise<T> {
    return this.answer<T>(
      await this.request(path, { method: 'POST', body: bytes, headers: { 'content-type': type } }),
    );
  }

  private async answer<T>(res: IncomingMessage): Promise<T> {
    if (res.statusCode !== 204) return (await readJson(res)) as T;
    res.resume();
    return undefined as T;
  }

  /** The events of a Server-Sent Events stream, each with its parsed data, until it ends. */
  async *events(path: string): AsyncGenerator<{ event: string; data: unknown }> {
    yield* readSse(await this.request(path, { headers: { accept: 'text/event-stream' } }));
  }

  /**
   * An interactive terminal in a container (exec: a new shell; attach: its TTY), wired to this
   * process's stdin and stdout. Resolves with the process's exit code (null when unknown).
   */
  async terminal(id: string, mode: 'exec' | 'attach'): Promise<number | null> {
    const size = () => ({
      cols: Math.min(500, Math.max(10, process.stdout.columns || 80)),
      rows: Math.min(300, Math.max(5, process.stdout.rows || 24)),
    });
    const ticket = await this.send<TerminalTicket>(
      'POST',
      `/api/containers/${encodeURIComponent(id)}/terminal`,
      { mode, ...size() },
    );
    const url = new URL(ticket.path, this.o.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // Loaded here, not at the top: parsing `ws` (CommonJS) doubles the CPU time every other
    // command takes to start (bench B9, `archdeck ps` / `podman ps`).
    const { default: WebSocket } = await import('ws');
    // The daemon wants its own origin on a terminal's handshake, as a browser would send.
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${await this.auth()}`, origin: this.o.url },
    });
    const stdin = process.stdin;
    const raw = stdin.isTTY === true;
    return new Promise<number | null>((resolve, reject) => {
      let code: number | null = null;
      const input = (data: Buffer) => ws.send(data, { binary: true });
      const resize = () => ws.send(JSON.stringify({ type: 'resize', ...size() }));
      const cleanup = () => {
        stdin.off('data', input);
        process.stdout.off('resize', resize);
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      };
      ws.on('open', () => {
        if (raw) stdin.setRawMode(true);
        stdin.on('data', input);
        stdin.resume();
        process.stdout.on('resize', resize);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          process.stdout.write(data as Buffer);
          return;
        }
        const event = JSON.parse(String(data)) as TerminalEvent;
        if (event.type === 'exit') code = event.code;
        if (event.type === 'error') process.stderr.write(`archdeck: ${event.message}\n`);
      });
      ws.on('close', () => {
        cleanup();
        resolve(code);
      });
      ws.on('unexpected-response', (_req, res) => {
        cleanup();
        reject(new CliError(`the daemon refused the terminal (${res.statusCode})`));
      });
      ws.on('error', (err) => {
        cleanup();
        reject(new CliError(`the terminal failed: ${err.message}`));
      });
    });
  }
}
