/**
 * A real OpenSSH server on loopback for tests of remote hosts: its own host key, an
 * authorized_keys with the given lines, and a podman API service of its own (separate storage)
 * standing for the other machine's podman. Everything lives in one temporary directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testEnv } from './test-env.js';

const run = promisify(execFile);

export interface Sshd {
  dir: string;
  port: number;
  /** `ssh-keygen -lf` of its host key: what a user compares. */
  fingerprint: string;
  /** The remote podman's API socket. */
  podmanSocket: string;
  stop(): Promise<void>;
  /** Starts it again (same port), with a new host key when `newKey`. */
  restart(opts?: { newKey?: boolean }): Promise<void>;
  /** Stops the remote podman (the host "goes away" behind a working sshd). */
  stopPodman(): Promise<void>;
  startPodman(): Promise<void>;
  cleanup(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function waitFor(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSshd(authorizedKeys: string[]): Promise<Sshd> {
  const env = testEnv();
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-sshd-'));
  const port = await freePort();
  const hostKey = join(dir, 'host_key');
  await run('mkdir', ['-p', '/run/sshd']);
  const newHostKey = async () => {
    await rm(hostKey, { force: true });
    await rm(`${hostKey}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  };
  await newHostKey();
  await writeFile(join(dir, 'authorized_keys'), authorizedKeys.join('\n') + '\n', { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The keys live under /tmp, whose permissions StrictModes refuses.
      'StrictModes no',
      'AllowStreamLocalForwarding local',
      // OpenSSH 9.2 denies a stream-local channel unless TCP forwarding is allowed too (and
      // applies PermitOpen to it): tried here, "Received request to connect to path …, but the
      // request was denied" with `AllowTcpForwarding no`.
      'AllowTcpForwarding local',
      'X11Forwarding no',
      '',
    ].join('\n'),
  );
  const podmanSocket = join(dir, 'podman.sock');
  let sshd: ChildProcess | null = null;
  let podman: ChildProcess | null = null;
  const fingerprint = async () =>
    (await run('ssh-keygen', ['-lf', `${hostKey}.pub`])).stdout.split(' ')[1]!;

  const startSshdProcess = async () => {
    // sshd re-executes itself, so it must be started by its absolute path.
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
    await waitFor(
      () =>
        new Promise((resolve) => {
          const s = createServer();
          s.once('error', () => resolve(true)); // the port is taken: sshd listens
          s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
        }),
      'sshd',
    );
  };
  const stopSshdProcess = async () => {
    const p = sshd;
    sshd = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    // The sessions it forked first (each in a session of its own): the listener going alone
    // leaves established connections up, where a host going away takes them down.
    await run('pkill', ['-TERM', '-P', String(p.pid)]).catch(() => undefined);
    p.kill('SIGTERM');
    await gone;
  };
  const startPodman = async () => {
    await rm(podmanSocket, { force: true });
    podman = spawn(
      'podman',
      [
        '--root',
        join(dir, 'root'),
        '--runroot',
        join(dir, 'run'),
        '--storage-driver',
        'vfs',
        'system',
        'service',
        '--time=0',
        `unix://${podmanSocket}`,
      ],
      {
        env: {
          ...process.env,
          CONTAINERS_CONF: env.containersConf,
          CONTAINERS_REGISTRIES_CONF: env.registriesConf,
        },
        stdio: 'ignore',
      },
    );
    await waitFor(
      async () =>
        (
          await run('curl', ['-s', '--unix-socket', podmanSocket, 'http://d/_ping']).catch(() => ({
            stdout: '',
          }))
        ).stdout === 'OK',
      'the remote podman',
    );
  };
  const stopPodman = async () => {
    const p = podman;
    podman = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  };

  await startSshdProcess();
  await startPodman();
  const sshdHandle: Sshd = {
    dir,
    port,
    fingerprint: await fingerprint(),
    podmanSocket,
    stop: stopSshdProcess,
    async restart(opts = {}) {
      await stopSshdProcess();
      if (opts.newKey) {
        await newHostKey();
        sshdHandle.fingerprint = await fingerprint();
      }
      await startSshdProcess();
    },
    stopPodman,
    startPodman,
    async cleanup() {
      await stopSshdProcess();
      await stopPodman();
      await run('podman', [
        '--root',
        join(dir, 'root'),
        '--runroot',
        join(dir, 'run'),
        '--storage-driver',
        'vfs',
        'rm',
        '-af',
      ]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
  return sshdHandle;
}
