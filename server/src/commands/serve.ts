/** `archdeck serve`: configuration, listen, the tokened URL, and a clean shutdown. */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig, USAGE } from '../config.js';
import { buildServer } from '../server.js';
import { StartupError } from '../lib/errors.js';
import { refuse } from './refuse.js';

export async function serve(argv: string[]): Promise<void> {
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  if (config === 'help') {
    const { CLI_USAGE } = await import('../cli/main.js');
    process.stdout.write(`${USAGE}\nAs a client of a running daemon:\n${CLI_USAGE}`);
    return;
  }

  let server;
  try {
    server = await buildServer(config);
  } catch (err) {
    if (err instanceof StartupError) refuse(err.message);
    throw err;
  }
  try {
    await server.listen({ host: config.host, port: config.port });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'EADDRINUSE'
        ? ` (port ${config.port} is taken: is archdeck already running? Or pick another with --port)`
        : '';
    process.stderr.write(
      `archdeck: cannot listen on ${config.host}:${config.port}: ${e.message}${hint}\n`,
    );
    await server.close();
    process.exit(1);
  }

  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '::1' ? '[::1]' : config.host;
  const token = (await readFile(join(config.dataDir, 'token'), 'utf8')).trim();
  process.stdout.write(`archdeck is running: http://${host}:${port}/?token=${token}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
