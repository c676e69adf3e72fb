/**
 * The podman service on this machine: `--podman-socket` when given; else the first of
 * $CONTAINER_HOST, $DOCKER_HOST, the rootful and the rootless socket that answers; else a
 * service archdeck starts itself (managed-service.ts) on `<data-dir>/podman/podman.sock`.
 */
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { FastifyBaseLogger } from 'fastify';
import type { PodmanAdjustment, PodmanHealth } from '@archdeck/shared';
import { findExecutable } from './host-quirks.js';
import { ManagedService } from './managed-service.js';
import { pingSocket } from './socket-probe.js';
import type { Transport } from './transport.js';

const PING_TIMEOUT_MS = 1500;

export interface LocalOptions {
  /** An explicit socket: use only this one, never discover or start another. */
  socket: string | null;
  candidates: string[];
  dataDir: string;
  pathEnv: string;
  env: NodeJS.ProcessEnv;
  log: FastifyBaseLogger;
}

export class LocalTransport implements Transport {
  private socket: string;
  private currentMode: PodmanHealth['mode'] = 'none';
  private managed: ManagedService | null = null;
  private lostListener: (err: Error) => void = () => undefined;

  constructor(private readonly opts: LocalOptions) {
    this.socket = opts.socket ?? opts.candidates[0] ?? '/run/podman/podman.sock';
  }

  get where(): string {
    return this.socket;
  }

  get mode(): PodmanHealth['mode'] {
    return this.currentMode;
  }

  get adjustments(): PodmanAdjustment[] {
    return this.currentMode === 'managed' ? (this.managed?.config.adjustments ?? []) : [];
  }

  onLost(listener: (err: Error) => void): void {
    this.lostListener = listener;
  }

  ping(timeoutMs: number): Promise<void> {
    return pingSocket(this.socket, timeoutMs);
  }

  async open(): Promise<Docker.DockerOptions> {
    if (this.opts.socket) return this.external(this.opts.socket, true);
    for (const candidate of this.opts.candidates) {
      const found = await this.external(candidate, false).catch(() => null);
      if (found) return found;
    }
    return this.startManaged();
  }

  async close(): Promise<void> {
    await this.managed?.stop();
  }

  private async external(socket: string, explicit: boolean): Promise<Docker.DockerOptions> {
    if (explicit) this.socket = socket;
    await pingSocket(socket, PING_TIMEOUT_MS);
    this.socket = socket;
    this.currentMode = 'external';
    return { socketPath: socket };
  }

  private async startManaged(): Promise<Docker.DockerOptions> {
    const podman = await findExecutable('podman', this.opts.pathEnv);
    if (!podman) {
      this.currentMode = 'none';
      throw new Error(
        'podman is not installed and no podman API socket answers: apt-get install -y podman runc',
      );
    }
    this.managed ??= new ManagedService({
      dir: join(this.opts.dataDir, 'podman'),
      podmanPath: podman,
      pathEnv: this.opts.pathEnv,
      env: this.opts.env,
      log: this.opts.log,
      onExit: () => this.lostListener(new Error('the managed podman service exited')),
    });
    this.currentMode = 'managed';
    this.socket = this.managed.socket;
    await this.managed.start();
    return { socketPath: this.managed.socket };
  }
}
