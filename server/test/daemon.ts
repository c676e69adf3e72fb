/**
 * The daemon as users run it: `server/bin/archdeck.js` in its own process, started with flags,
 * read back through the URL it prints. For what only a whole process shows: a restart, a kill,
 * the exit code and stderr of a start that fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEnv } from './helper.js';

export const BIN = fileURLToPath(new URL('../bin/archdeck.js', import.meta.url));

/** A daemon on the test environment's podman and registries.conf, keeping `dataDir`. */
export function testDaemonArgs(dataDir: string): string[] {
  const env = testEnv();
  return [
    '--data-dir',
    dataDir,
    '--podman-socket',
    env.socket,
    '--registries-conf',
    env.registriesConf,
  ];
}

export interface Daemon {
  proc: ChildProcess;
  base: string;
  token: string;
  /** fetch() against the daemon with the Bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, and the exit. */
  stop(): Promise<void>;
}

export async function startDaemon(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Daemon> {
  const proc = spawn(process.execPath, [BIN, '--port', '0', '--log-level', 'warn', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /archdeck is running: (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    proc.once('exit', (code) => reject(new Error(`the daemon exited (${code}): ${stderr}`)));
  });
  const base = url.origin;
  const token = url.searchParams.get('token')!;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    base,
    token,
    api: (path, init = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
