/**
 * A `podman system service` child that the daemon starts when it finds no running service,
 * and stops when it closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { pingSocket } from './socket-probe.js';
import type { ServiceConfig } from './host-quirks.js';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

export class ManagedService {
  readonly socket: string;
  private child: ChildProcess | null = null;
  private stderrTail = '';

  constructor(
    private readonly dir: string,
    private readonly podmanPath: string,
    private readonly service: ServiceConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: FastifyBaseLogger,
    private readonly onExit: () => void,
  ) {
    this.socket = join(dir, 'podman.sock');
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // A socket file left by a crashed service makes the new one fail with "address in use".
    await rm(this.socket, { force: true });
    const env = { ...this.env };
    if (this.service.containersConf) {
      const confPath = join(this.dir, 'containers.conf');
      await writeFile(confPath, this.service.containersConf, { mode: 0o600 });
      env.CONTAINERS_CONF = confPath;
    }
    this.stderrTail = '';
    const child = spawn(
      this.podmanPath,
      ['system', 'service', '--time=0', `unix://${this.socket}`],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
      this.log.debug({ podman: text.trimEnd() }, 'managed podman service');
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
        this.onExit();
      }
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await Promise.race([pingSocket(this.socket, 1000), exited]);
        this.log.info({ socket: this.socket, pid: child.pid }, 'started managed podman service');
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
