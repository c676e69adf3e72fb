/**
 * One subscription to podman's event stream, shared by everything in the daemon: caches
 * invalidate on it and browsers get it through /api/events. Re-opened after every reconnect;
 * listeners hear `resync` then, because events may have been missed while it was down.
 */
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { JsonLines } from '../lib/json-lines.js';
import type { PodmanConnection } from './connection.js';

export interface EngineEvent {
  /**
   * image/container come from podman; pull, launch, build, push (jobs), manifest (a draft list), preset
   * and host from the daemon itself; podman is the connection going down or up (action
   * `down`/`up`), resync a new event subscription.
   */
  kind:
    | 'image'
    | 'container'
    | 'pull'
    | 'launch'
    | 'build'
    | 'push'
    | 'manifest'
    | 'host'
    | 'preset'
    | 'podman'
    | 'resync';
  action: string;
  id: string | null;
}

type Listener = (event: EngineEvent) => void;

export interface ExitWatch {
  exited(id: string): Promise<void>;
  close(): void;
}

interface PodmanEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string };
}

const RETRY_MS = 1000;

export class EngineEvents {
  private readonly listeners = new Set<Listener>();
  private stream: Readable | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly engine: PodmanConnection,
    private readonly log: FastifyBaseLogger,
  ) {
    engine.onState((reachable) => {
      this.emit({ kind: 'podman', action: reachable ? 'up' : 'down', id: null });
      if (reachable) {
        this.open();
      } else {
        this.stream?.destroy();
        this.stream = null;
      }
    });
  }

  /** The subscription to podman's events is open: a change now would be heard. */
  get live(): boolean {
    return this.stream !== null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Listens for containers' deaths from now on: `exited(id)` resolves once podman said that
   * container (by full id) died, also when it did before the call. Started before a container
   * is inspected, so a death in between is not missed.
   */
  exitWatch(): ExitWatch {
    const died = new Set<string>();
    const waiting = new Map<string, Array<() => void>>();
    const off = this.subscribe((e) => {
      if (e.kind !== 'container' || e.id === null || (e.action !== 'die' && e.action !== 'died'))
        return;
      died.add(e.id);
      for (const wake of waiting.get(e.id) ?? []) wake();
      waiting.delete(e.id);
    });
    return {
      exited: (id) =>
        died.has(id)
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve])),
      close: () => void off(),
    };
  }

  /** Events the daemon itself causes (jobs starting and ending, drafts changing). */
  publish(event: EngineEvent): void {
    this.emit(event);
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stream?.destroy();
    this.stream = null;
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private open(): void {
    if (this.closed) return;
    this.stream?.destroy();
    this.stream = null;
    if (!this.engine.reachable) return;
    const docker = this.engine.client();
    docker.getEvents({ filters: { type: ['image', 'container'] } }).then(
      (stream) => {
        const s = stream as Readable;
        this.stream = s;
        // Only now is nothing missed: what changed before this is for listeners to re-read.
        this.emit({ kind: 'resync', action: 'connect', id: null });
        const lines = new JsonLines();
        s.on('data', (chunk: Buffer) => {
          for (const value of lines.push(chunk)) this.dispatch(value as PodmanEvent);
        });
        // The stream ends when podman goes away: the quickest word of it there is. A podman
        // that is still there just gets a new subscription.
        const ended = () => {
          if (this.stream !== s) return;
          this.stream = null;
          void this.engine.check().then((up) => {
            if (up) this.scheduleRetry();
          });
        };
        s.on('end', ended);
        s.on('error', ended);
      },
      (err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'podman event stream failed');
        this.scheduleRetry();
      },
    );
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.open();
    }, RETRY_MS);
    this.retry.unref();
  }

  private dispatch(e: PodmanEvent): void {
    const kind = e.Type === 'image' || e.Type === 'container' ? e.Type : null;
    if (!kind) return;
    this.emit({ kind, action: e.Action ?? e.status ?? 'unknown', id: e.Actor?.ID ?? e.id ?? null });
  }
}
