/**
 * `archdeck podman-service [--data-dir DIR] [--log-level L] [--log-format F]`: the podman API
 * service exactly as the daemon manages it when none answers (engine/managed-service.ts: the
 * host's containers.conf with this host's adjustments, rlimits fitted to the service), on
 * `<data-dir>/podman/podman.sock`, in the foreground until SIGTERM or SIGINT. It prints one
 * line when the service answers: `podman service ready: unix://<socket>`.
 */
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, USAGE } from '../config.js';
import { findExecutable } from '../engine/host-quirks.js';
import { ManagedService } from '../engine/managed-service.js';
import { humanLog } from '../server.js';
import { refuse } from './refuse.js';

export async function podmanService(argv: string[]): Promise<void> {
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const log = pino(
    { level: config.logLevel },
    config.logFormat === 'human' ? humanLog() : process.stderr,
  );
  const podman = await findExecutable('podman', config.pathEnv);
  if (!podman) refuse('podman is not installed: apt-get install -y podman runc');

  let stopping = false;
  const service = new ManagedService({
    dir: join(config.dataDir, 'podman'),
    podmanPath: podman,
    pathEnv: config.pathEnv,
    env: config.childEnv,
    log,
    onExit: () => {
      if (stopping) return;
      log.error('the podman service exited');
      process.exit(1);
    },
  });
  try {
    await service.start();
  } catch (err) {
    refuse(`the podman service did not start: ${(err as Error).message}`);
  }
  for (const a of service.config.adjustments) log.info({ reason: a.reason }, a.setting);
  process.stdout.write(`podman service ready: unix://${service.socket}\n`);

  const stop = () => {
    if (stopping) return;
    stopping = true;
    void service.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
