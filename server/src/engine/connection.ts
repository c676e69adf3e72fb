/**
 * One connection to a podman API service, however it is reached (a Transport: the local
 * socket, found or started as a managed service; or an SSH host): kept alive with
 * capped-backoff reconnects, its state told to listeners. It holds the two clients the engine
 * talks through: compat (`/v1.41`, Docker's API) and libpod (`/v4.0.0`, for what compat lacks:
 * manifest lists; the v1.x prefix lands on podman's old v3 routes there).
 */
import Docker from 'dockerode';
import type { FastifyBaseLogger } from 'fastify';
import type { PodmanHealth } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import type { Transport } from './transport.js';

/** The oldest compat API version with everything we use; podman 4.x serves 1.41. */
const API_VERSION = 'v1.41';
/** libpod's API generation for podman 4: `/v4.…/libpod/…` routes. */
const LIBPOD_VERSION = 'v4.0.0';
const PING_TIMEOUT_MS = 1500;
const INFO_TIMEOUT_MS = 15_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Past this age, a health read asks podman again (in the background, never awaited). */
const CONFIRM_AFTER_MS = 10_000;
/** After a failed read of podman's facts, health reads ask again no sooner than this. */
const INFO_RETRY_MS = 2000;

interface ServiceInfo {
  /** Where podman keeps images (compat /info DockerRootDir); not part of PodmanHealth. */
  graphRoot?: string | null;
  version: string | null;
  apiVersion: string | null;
  arch: string | null;
  ociRuntime: string | null;
  cgroupVersion: string | null;
  rootless: boolean | null;
}

const NO_INFO: ServiceInfo = {
  version: null,
  apiVersion: null,
  arch: null,
  ociRuntime: null,
  cgroupVersion: null,
  rootless: null,
};

export class PodmanConnection {
  private docker: Docker | null = null;
  private libpodClient: Docker | null = null;
  private info: ServiceInfo = NO_INFO;
  private lastError: string | null = 'not connected yet';
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** The attempt in flight: podman reached, its facts read and the listeners told. */
  private connecting: Promise<boolean> | null = null;
  /** The attempt's first part, until podman answered or did not: what requests wait for. */
  private reaching: Promise<boolean> | null = null;
  /** A first attempt has ended: from then on something is known of podman. */
  private attempted = false;
  private infoLoading: Promise<void> | null = null;
  private infoFailedAt = 0;
  private closed = false;
  private confirmedAt = 0;
  private checking: Promise<boolean> | null = null;
  private readonly stateListeners = new Set<(reachable: boolean) => void>();

  constructor(
    private readonly transport: Transport,
    private readonly log: FastifyBaseLogger,
  ) {
    transport.onLost((err) => this.lost(err));
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
    await this.transport.close();
  }

  /**
   * What is known of podman, without asking it: a health read must stay fast while podman is
   * busy (it answers slowly while it holds its storage lock, and under 200 log streams). The
   * event stream's end tells at once when podman goes away (see check()); a fact older than
   * CONFIRM_AFTER_MS gets a ping in the background, for a podman that hangs rather than dies.
   * Only the first connection attempt is waited for (its facts included): before it ends
   * nothing is known, and "unreachable" would be wrong. A reconnect is not: podman was lost,
   * and the answer says so at once with why (a managed service takes seconds to start again).
   */
  async health(): Promise<PodmanHealth> {
    if (!this.attempted) await this.connecting;
    if (this.docker) {
      if (Date.now() - this.confirmedAt > CONFIRM_AFTER_MS) void this.check();
      if (this.info.version === null && Date.now() - this.infoFailedAt > INFO_RETRY_MS)
        void this.loadInfo();
    } else if (!this.connecting && !this.retryTimer && !this.closed) {
      this.scheduleReconnect();
    }
    return {
      reachable: this.docker !== null,
      socket: this.transport.where,
      mode: this.transport.mode,
      version: this.info.version,
      apiVersion: this.info.apiVersion,
      arch: this.info.arch,
      ociRuntime: this.info.ociRuntime,
      cgroupVersion: this.info.cgroupVersion,
      rootless: this.info.rootless,
      adjustments: this.transport.adjustments,
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
        await this.transport.ping(PING_TIMEOUT_MS);
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

  /** graphRoot once the facts being read after a connect are in. */
  async storeRoot(): Promise<string | null> {
    await this.infoLoading;
    return this.graphRoot;
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

  /**
   * While an attempt is in flight and podman has not answered it yet, the promise of that
   * answer; null otherwise. What an API request waits for before it asks podman anything.
   */
  get pendingReach(): Promise<boolean> | null {
    return this.reaching;
  }

  /** The compat client, or a 503 whose message says how to get podman back. */
  client(): Docker {
    if (this.docker) return this.docker;
    throw this.unavailable();
  }

  /** The libpod (`/v4.0.0`) client, or the same 503. */
  libpod(): Docker {
    if (this.libpodClient) return this.libpodClient;
    throw this.unavailable();
  }

  private unavailable(): AppError {
    return new AppError(
      503,
      'podman_unavailable',
      `podman is not reachable at ${this.transport.where}: ${this.lastError ?? 'unknown error'}. ` +
        'Check `podman info`, or start the service with `podman system service --time=0`.',
    );
  }

  private connect(): Promise<boolean> {
    if (this.connecting) return this.connecting;
    const reached = this.reach();
    this.reaching = reached;
    void reached.finally(() => {
      if (this.reaching === reached) this.reaching = null;
    });
    this.connecting = reached
      .then((ok) => ok && this.announce())
      .finally(() => {
        this.connecting = null;
        this.attempted = true;
      });
    return this.connecting;
  }

  /** Opens the transport (which pings): from then on requests may use the clients. */
  private async reach(): Promise<boolean> {
    let client: Docker.DockerOptions;
    try {
      client = await this.transport.open();
    } catch (err) {
      this.lastError = (err as Error).message;
      return false;
    }
    this.docker = new Docker({ ...client, version: API_VERSION });
    this.libpodClient = new Docker({ ...client, version: LIBPOD_VERSION });
    this.lastError = null;
    this.attempt = 0;
    this.confirmedAt = Date.now();
    return true;
  }

  /**
   * Reads podman's facts, then tells the listeners, so the event stream, the container check
   * and the hosts list start from a podman whose version and architecture are known. Requests
   * do not wait for this: podman 4.3 takes 1-2.5 s for each of /version and /info when cold.
   */
  private async announce(): Promise<boolean> {
    const docker = this.docker;
    await this.loadInfo();
    // Lost (and its listeners told) while the facts were read: nothing to announce.
    if (!docker || this.docker !== docker) return false;
    this.log.info(
      { where: this.transport.where, mode: this.transport.mode, version: this.info.version },
      'connected to podman',
    );
    for (const listener of this.stateListeners) listener(true);
    return true;
  }

  /**
   * Version facts, one read at a time (health reads ask again while they are missing);
   * podman is slow to answer /info while it holds its storage lock.
   */
  private loadInfo(): Promise<void> {
    this.infoLoading ??= (async () => {
      if (!this.docker) return;
      try {
        this.info = await readInfo(this.docker, AbortSignal.timeout(INFO_TIMEOUT_MS));
      } catch (err) {
        this.infoFailedAt = Date.now();
        this.log.warn({ err: (err as Error).message }, 'podman answered ping but not /info yet');
        // Busy, or gone: a ping tells, and a podman that is gone is marked lost at once (the
        // event stream, which would tell as well, is not open before the facts are in).
        await this.check();
      }
    })().finally(() => {
      this.infoLoading = null;
    });
    return this.infoLoading;
  }

  private lost(err: Error): void {
    const was = this.docker !== null;
    this.docker = null;
    this.libpodClient = null;
    this.lastError = err.message;
    if (was) {
      this.log.warn({ err: err.message }, 'lost the podman connection');
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
  // Side by side: each takes seconds on a cold podman 4.3.
  const [version, info] = await Promise.all([
    (docker.version as WithAbort<Docker.DockerVersion>).call(docker, { abortSignal }),
    (docker.info as WithAbort<Record<string, unknown>>).call(docker, { abortSignal }),
  ]);
  const security = Array.isArray(info.SecurityOptions) ? (info.SecurityOptions as string[]) : [];
  const podman = version.Components?.find((c) => c.Name === 'Podman Engine');
  return {
    version: podman?.Version ?? version.Version ?? null,
    apiVersion: version.ApiVersion ?? null,
    // podman's compat /version says runtime.GOARCH: OCI names (amd64, arm64, ppc64le, s390x).
    arch: version.Arch ?? null,
    ociRuntime: typeof info.DefaultRuntime === 'string' ? info.DefaultRuntime : null,
    cgroupVersion: typeof info.CgroupVersion === 'string' ? info.CgroupVersion : null,
    rootless: security.some((s) => s.includes('name=rootless')),
    graphRoot: typeof info.DockerRootDir === 'string' ? info.DockerRootDir : null,
  };
}
