/**
 * One open terminal: bytes between the WebSocket and podman's hijacked connection, resize
 * controls, keepalive and idle timeout. The session owns the exec'd process: whichever side
 * ends first, both are closed and the process is ended.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { Value } from 'typebox/value';
import { TerminalControl, type TerminalEvent } from '@archdeck/shared';
import type { TerminalProcess } from '../engine/types.js';

export const PING_INTERVAL_MS = 20_000;
export const IDLE_TIMEOUT_MS = 15 * 60_000;
/** Past this many bytes queued for the browser, podman is not read until it drains. */
const HIGH_WATER = 1024 * 1024;

export interface SessionOptions {
  pingIntervalMs?: number;
  idleTimeoutMs?: number;
}

/** WebSocket close codes (RFC 6455 §7.4.1). */
const NORMAL = 1000;
const GOING_AWAY = 1001;
const UNSUPPORTED = 1003;
const POLICY = 1008;
const INTERNAL = 1011;

export class TerminalSession {
  /** Resolves once everything is closed and the process ended. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private alive = true;
  private ended = false;
  private readonly pinger: NodeJS.Timeout;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly proc: TerminalProcess,
    private readonly log: FastifyBaseLogger,
    private readonly opts: SessionOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const { stream } = proc;

    stream.on('data', (chunk: Buffer) => {
      this.touch();
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, () => {
        if (stream.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) stream.resume();
      });
      if (ws.bufferedAmount >= HIGH_WATER) stream.pause();
    });
    stream.once('end', () => void this.exited());
    stream.once('close', () => void this.exited());
    stream.on('error', (err) => {
      log.warn({ err: err.message }, 'terminal connection to podman failed');
      this.fail('The connection to podman failed.');
    });

    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.once('close', () => void this.end());
    ws.on('error', () => void this.end());

    this.pinger = setInterval(() => {
      if (!this.alive) {
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, opts.pingIntervalMs ?? PING_INTERVAL_MS);
    this.touch();
    this.send({ type: 'ready' });
  }

  /** Closes the terminal from our side (daemon shutdown). */
  async shutdown(): Promise<void> {
    this.close(GOING_AWAY, 'archdeck is shutting down');
    await this.end();
  }

  /** One frame from the browser (also frames that arrived while podman started the shell). */
  receive(data: RawData, isBinary: boolean): void {
    this.touch();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      this.proc.stream.write(bytes);
      return;
    }
    let control: unknown;
    try {
      control = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.close(UNSUPPORTED, 'text frames must be JSON terminal controls');
      return;
    }
    if (!Value.Check(TerminalControl, control)) {
      this.close(POLICY, 'unknown or invalid terminal control');
      return;
    }
    this.proc.resize(control.cols, control.rows).catch((err: unknown) => {
      this.log.debug({ err: (err as Error).message }, 'terminal resize failed');
    });
  }

  /** The process ended (its stream closed): report its exit code, then close. */
  private async exited(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const code = await this.proc.exitCode().catch(() => null);
    this.send({ type: 'exit', code });
    this.close(NORMAL, 'the process exited');
    await this.end();
  }

  private fail(message: string): void {
    this.send({ type: 'error', message });
    this.close(INTERNAL, message);
    void this.end();
  }

  private send(event: TerminalEvent): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(event));
  }

  private close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const idleMs = this.opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.idleTimer = setTimeout(
      () => this.close(NORMAL, `idle for ${Math.round(idleMs / 60_000)} minutes`),
      idleMs,
    );
  }

  private closing: Promise<void> | null = null;

  /** Idempotent teardown: timers, the process, podman's connection, the socket. */
  private end(): Promise<void> {
    this.closing ??= (async () => {
      this.ended = true;
      clearInterval(this.pinger);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      try {
        await this.proc.close();
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'ending the terminal process failed');
      }
      // The socket may still be open when the process side ended first.
      if (this.ws.readyState === this.ws.OPEN) this.ws.close(NORMAL);
      this.resolveDone();
    })();
    return this.closing;
  }
}
