/**
 * Our one door to podman. It finds (or starts) a podman API service, keeps the connection
 * alive with capped-backoff reconnects, and maps podman's JSON to our own types. Nothing else
 * in the server imports dockerode.
 */
import Docker from 'dockerode';
import type { FastifyBaseLogger } from 'fastify';
import type { PodmanHealth } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import { ManagedService } from './managed-service.js';
import { pingSocket } from './socket-probe.js';
import { findExecutable } from './host-quirks.js';
import { join } from 'node:path';

/** The oldest compat API version with everything we use; podman 4.x serves 1.41. */
const API_VERSION = 'v1.41';
/**
 * libpod's own routes for what the compat API lacks (manifest lists). The prefix picks the API
 * generation: podman 4.3 routes `/v1.41/libpod/manifests/…` to its v3 handlers, whose verbs
 * differ (register_manifest.go matches `v[0-3]…` and `v[4-9]…` apart).
 */
const LIBPOD_VERSION = 'v4.0.0';
const PING_TIMEOUT_MS = 1500;
const INFO_TIMEOUT_MS = 15_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Past this age, a health read asks podman again (in the background, never awaited). */
const CONFIRM_AFTER_MS = 10_000;

export interface EngineOptions {
  /** An explicit socket: use only this one, never discover or start another. */
  socket: string | null;
  candidates: string[];
  dataDir: string;
  pathEnv: string;
  env: NodeJS.ProcessEnv;
  log: FastifyBaseLogger;
}

interface ServiceInfo {
  /** Where podman keeps images (compat /info DockerRootDir); not part of PodmanHealth. */
  graphRoot?: string | null;
  version: string | null;
  apiVersion: string | null;
  ociRuntime: string | null;
  cgroupVersion: string | null;
  rootless: boolean | null;
}

const NO_INFO: ServiceInfo = {
  version: null,
  apiVersion: null,
  ociRuntime: null,
  cgroupVersion: null,
  rootless: null,
};

export class Engine {
  private docker: Docker | null = null;
  private libpod: Docker | null = null;
  private socket: string;
  private mode: PodmanHealth['mode'] = 'none';
  private managed: ManagedService | null = null;
  private info: ServiceInfo = NO_INFO;
  private lastError: string | null = 'not connected yet';
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<boolean> | null = null;
  private closed = false;
  private confirmedAt = 0;
  private checking: Promise<boolean> | null = null;
  private readonly stateListeners = new Set<(reachable: boolean) => void>();

  constructor(private readonly opts: EngineOptions) {
    this.socket = opts.socket ?? opts.candidates[0] ?? '/run/podman/podman.sock';
  }

  get reachable(): boolean {
    return this.docker !== null;
  }

  /** Connects once; on failure the daemon keeps running and retries in the background. */
  async start(): Promise<void> {
    if (!(await this.connect())) this.scheduleReconnect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    await this.managed?.stop();
  }

  /**
   * What is known of podman, without asking it: a health read must stay fast while podman is
   * busy (it answers slowly while it holds its storage lock, and under 200 log streams). The
   * event stream's end tells at once when podman goes away (see check()); a fact older than
   * CONFIRM_AFTER_MS gets a ping in the background, for a podman that hangs rather than dies.
   */
  async health(): Promise<PodmanHealth> {
    await this.connecting;
    if (this.docker) {
      if (Date.now() - this.confirmedAt > CONFIRM_AFTER_MS) void this.check();
      if (this.info.version === null) void this.loadInfo();
    } else if (!this.connecting && !this.retryTimer && !this.closed) {
      this.scheduleReconnect();
    }
    return {
      reachable: this.docker !== null,
      socket: this.socket,
      mode: this.mode,
      version: this.info.version,
      apiVersion: this.info.apiVersion,
      ociRuntime: this.info.ociRuntime,
      cgroupVersion: this.info.cgroupVersion,
      rootless: this.info.rootless,
      adjustments: this.mode === 'managed' ? (this.managed?.config.adjustments ?? []) : [],
      error: this.docker ? null : this.lastError,
    };
  }

  /**
   * Asks podman whether it is still there (one ping in flight at a time); when it is not, the
   * connection is marked lost, listeners hear it and reconnecting begins. Called when the
   * event stream ends, when a request fails as if the socket were gone, and for old facts.
   */
  check(): Promise<boolean> {
    this.checking ??= (async () => {
      if (!this.docker) return false;
      try {
        await pingSocket(this.socket, PING_TIMEOUT_MS);
        this.confirmedAt = Date.now();
        return true;
      } catch (err) {
        this.lost(err as Error);
        return false;
      }
    })().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  get graphRoot(): string | null {
    return this.info.graphRoot ?? null;
  }

  /**
   * Called with true after every (re)connect, so subscriptions can be re-opened, and with
   * false when the connection is lost.
   */
  onState(listener: (reachable: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Whether podman answers now, or comes back within `timeoutMs` (a managed service is
   * started again at once): for work that can go on where it was once podman is back.
   */
  async back(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (await this.check()) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        off();
        signal.removeEventListener('abort', gaveUp);
        resolve(ok);
      };
      const gaveUp = () => done(false);
      const timer = setTimeout(gaveUp, timeoutMs);
      const off = this.onState((reachable) => reachable && done(true));
      signal.addEventListener('abort', gaveUp, { once: true });
    });
  }

  /** Resolves once a connection attempt in flight has ended (at once when none is). */
  async settled(): Promise<void> {
    await this.connecting;
  }

  /** The dockerode client, or a 503 whose message says how to get podman back. */
  client(): Docker {
    if (this.docker) return this.docker;
    throw this.unavailable();
  }

  /** A client on the same socket for libpod's `/v4.0.0/libpod/…` routes (engine/manifests.ts). */
  libpodClient(): Docker {
    if (this.docker && this.libpod) return this.libpod;
    throw this.unavailable();
  }

  private unavailable(): AppError {
    return new AppError(
      503,
      'podman_unavailable',
      `podman is not reachable at ${this.socket}: ${this.lastError ?? 'unknown error'}. ` +
        'Check `podman info`, or start the service with `podman system service --time=0`.',
    );
  }

  private connect(): Promise<boolean> {
    this.connecting ??= this.discover().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async discover(): Promise<boolean> {
    if (this.opts.socket) return this.tryExternal(this.opts.socket);
    for (const candidate of this.opts.candidates) {
      if (await this.tryExternal(candidate)) return true;
    }
    return this.tryManaged();
  }

  private async tryExternal(socket: string): Promise<boolean> {
    try {
      await pingSocket(socket, PING_TIMEOUT_MS);
    } catch (err) {
      if (this.opts.socket) {
        this.lastError = `${(err as Error).message}`;
        this.socket = socket;
      }
      return false;
    }
    return this.attach(socket, 'external');
  }

  private async tryManaged(): Promise<boolean> {
    const podman = await findExecutable('podman', this.opts.pathEnv);
    if (!podman) {
      this.mode = 'none';
      this.lastError =
        'podman is not installed and no podman API socket answers: apt-get install -y podman runc';
      return false;
    }
    this.managed ??= new ManagedService({
      dir: join(this.opts.dataDir, 'podman'),
      podmanPath: podman,
      pathEnv: this.opts.pathEnv,
      env: this.opts.env,
      log: this.opts.log,
      onExit: () => this.lost(new Error('the managed podman service exited')),
    });
    try {
      await this.managed.start();
    } catch (err) {
      this.mode = 'managed';
      this.socket = this.managed.socket;
      this.lastError = (err as Error).message;
      return false;
    }
    return this.attach(this.managed.socket, 'managed');
  }

  private async attach(socket: string, mode: PodmanHealth['mode']): Promise<boolean> {
    this.docker = new Docker({ socketPath: socket, version: API_VERSION });
    this.libpod = new Docker({ socketPath: socket, version: LIBPOD_VERSION });
    this.socket = socket;
    this.mode = mode;
    this.lastError = null;
    this.attempt = 0;
    this.confirmedAt = Date.now();
    await this.loadInfo();
    this.opts.log.info({ socket, mode, version: this.info.version }, 'connected to podman');
    for (const listener of this.stateListeners) listener(true);
    return true;
  }

  /** Version facts; podman is slow to answer /info while it holds its storage lock. */
  private async loadInfo(): Promise<void> {
    if (!this.docker) return;
    try {
      this.info = await readInfo(this.docker, AbortSignal.timeout(INFO_TIMEOUT_MS));
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'podman answered ping but not /info yet');
    }
  }

  private lost(err: Error): void {
    const was = this.docker !== null;
    this.docker = null;
    this.libpod = null;
    this.lastError = err.message;
    if (was) {
      this.opts.log.warn({ err: err.message }, 'lost the podman connection');
      for (const listener of this.stateListeners) listener(false);
    }
    if (!this.closed) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.closed) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect().then((ok) => {
        if (!ok) this.scheduleReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }
}

/** dockerode methods accept { abortSignal } at run time; @types/dockerode omits the argument. */
export type WithAbort<T> = (opts: { abortSignal?: AbortSignal }) => Promise<T>;

async function readInfo(docker: Docker, abortSignal: AbortSignal): Promise<ServiceInfo> {
  // dockerode's info()/version() accept { abortSignal }; @types/dockerode omits the argument.
  const version = await (docker.version as WithAbort<Docker.DockerVersion>).call(docker, {
    abortSignal,
  });
  const info = await (docker.info as WithAbort<Record<string, unknown>>).call(docker, {
    abortSignal,
  });
  const security = Array.isArray(info.SecurityOptions) ? (info.SecurityOptions as string[]) : [];
  const podman = version.Components?.find((c) => c.Name === 'Podman Engine');
  return {
    version: podman?.Version ?? version.Version ?? null,
    apiVersion: version.ApiVersion ?? null,
    ociRuntime: typeof info.DefaultRuntime === 'string' ? info.DefaultRuntime : null,
    cgroupVersion: typeof info.CgroupVersion === 'string' ? info.CgroupVersion : null,
    rootless: security.some((s) => s.includes('name=rootless')),
    graphRoot: typeof info.DockerRootDir === 'string' ? info.DockerRootDir : null,
  };
}
