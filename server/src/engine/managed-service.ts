/**
 * A `podman system service` child that the daemon starts when it finds no running service,
 * and stops when it closes. Its containers.conf is generated for this host (host-quirks.ts):
 * the host's own settings plus what podman needs here to start containers at all. The rlimits
 * a container may get depend on the service's own hard limits, which podman sets for itself;
 * so the service is started, its limits read, and started again if the configuration asked
 * for more than it has.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { pingSocket } from './socket-probe.js';
import { readHostContainersConf } from './containers-conf.js';
import {
  detectHostQuirks,
  findExecutable,
  lowerLimits,
  readLimits,
  serviceConfigFor,
  type HostQuirks,
  type ServiceConfig,
} from './host-quirks.js';
import type { Toml } from './containers-conf.js';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

export interface ManagedServiceOptions {
  /** Where the socket and the generated containers.conf live: `<data-dir>/podman`. */
  dir: string;
  podmanPath: string;
  /** $PATH, to find runc. */
  pathEnv: string;
  /** The environment the service inherits (its storage and registries configuration). */
  env: NodeJS.ProcessEnv;
  log: FastifyBaseLogger;
  /** The service exited without being asked to. */
  onExit: () => void;
}

export class ManagedService {
  readonly socket: string;
  private child: ChildProcess | null = null;
  private stderrTail = '';
  private setup: { quirks: HostQuirks; runc: string | null; base: Toml } | null = null;
  private service: ServiceConfig = { adjustments: [], containersConf: null };

  constructor(private readonly o: ManagedServiceOptions) {
    this.socket = join(o.dir, 'podman.sock');
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What was changed from podman's defaults for this host, and why. */
  get config(): ServiceConfig {
    return this.service;
  }

  /**
   * Starts the service with a configuration for this host; if the service's own limits turn
   * out lower than the configuration assumed, starts it again with limits it can give.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.setup ??= {
      quirks: await detectHostQuirks(),
      runc: await findExecutable('runc', this.o.pathEnv),
      base: (await readHostContainersConf(this.o.env)).settings,
    };
    const { quirks, runc, base } = this.setup;
    this.service = serviceConfigFor(quirks, runc, base);
    await this.spawn();
    const limits = this.child?.pid ? await readLimits(this.child.pid) : null;
    if (!limits) return;
    const fitted = serviceConfigFor(
      { ...quirks, hardLimits: lowerLimits(quirks.hardLimits, limits) },
      runc,
      base,
    );
    if (fitted.containersConf === this.service.containersConf) return;
    this.o.log.info(
      { limits },
      "the podman service's own limits are lower than its configuration assumed: restarting it",
    );
    // Remembered, so a restart after a crash starts with what fits at once.
    this.setup = {
      ...this.setup,
      quirks: { ...quirks, hardLimits: lowerLimits(quirks.hardLimits, limits) },
    };
    this.service = fitted;
    await this.stop();
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    const { dir, env: parentEnv, log } = this.o;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // A socket file left by a crashed service makes the new one fail with "address in use".
    await rm(this.socket, { force: true });
    const env = { ...parentEnv };
    if (this.service.containersConf) {
      const confPath = join(dir, 'containers.conf');
      await writeFile(confPath, this.service.containersConf, { mode: 0o600 });
      env.CONTAINERS_CONF = confPath;
    }
    this.stderrTail = '';
    const child = spawn(
      this.o.podmanPath,
      ['system', 'service', '--time=0', `unix://${this.socket}`],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
      log.debug({ podman: text.trimEnd() }, 'managed podman service');
    });
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        reject(
          new Error(`podman system service exited (${signal ?? code}): ${this.stderrTail.trim()}`),
        );
      });
      child.once('error', reject);
    });
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.o.onExit();
      }
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await Promise.race([pingSocket(this.socket, 1000), exited]);
        log.info({ socket: this.socket, pid: child.pid }, 'started managed podman service');
        return;
      } catch (err) {
        if (!this.running) throw err;
        if (Date.now() > deadline) {
          await this.stop();
          throw new Error(
            `podman system service did not answer within ${START_TIMEOUT_MS / 1000} s`,
            {
              cause: err,
            },
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.child = null;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }
}
