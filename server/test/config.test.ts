import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, unixSocketPath } from '../src/config.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/archdeck.js', import.meta.url));

describe('loadConfig', () => {
  it('has loopback defaults and the root data dir for root', () => {
    const c = loadConfig([], { PATH: '/usr/bin' }, 0);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8420,
      podmanSocket: null,
      binfmtRoot: '/proc/sys/fs/binfmt_misc',
      dataDir: '/var/lib/archdeck',
    });
  });

  it('uses XDG_STATE_HOME for other users', () => {
    const c = loadConfig([], { XDG_STATE_HOME: '/home/u/.state', HOME: '/home/u' }, 1000);
    expect(c).toMatchObject({ dataDir: '/home/u/.state/archdeck' });
  });

  it('flags win over their environment equivalents', () => {
    const c = loadConfig(['--port', '9000'], { ARCHDECK_PORT: '9100', ARCHDECK_HOST: '::1' }, 0);
    expect(c).toMatchObject({ port: 9000, host: '::1' });
  });

  it('finds podman sockets in CONTAINER_HOST, DOCKER_HOST, rootful, rootless order', () => {
    const c = loadConfig(
      [],
      {
        CONTAINER_HOST: 'unix:///a.sock',
        DOCKER_HOST: 'tcp://10.0.0.1:2375',
        XDG_RUNTIME_DIR: '/run/user/1000',
      },
      1000,
    );
    expect(c !== 'help' && c.podmanCandidates).toEqual([
      '/a.sock',
      '/run/podman/podman.sock',
      '/run/user/1000/podman/podman.sock',
    ]);
  });

  it.each([
    [['--host', '0.0.0.0'], /loopback/],
    [['--host', '192.168.1.2'], /loopback/],
    [['--port', '70000'], /--port/],
    [['--port', 'abc'], /--port/],
    [['--binfmt-root', 'relative/path'], /absolute/],
    [['--podman-socket', 'tcp://1.2.3.4:1'], /unix/],
    [['--log-level', 'loud'], /--log-level/],
    [['--nope'], /nope/],
  ])('rejects %j', (argv, message) => {
    expect(() => loadConfig(argv, {}, 0)).toThrow(ConfigError);
    expect(() => loadConfig(argv, {}, 0)).toThrow(message);
  });

  it('reads unix socket URLs and paths', () => {
    expect(unixSocketPath('unix:///run/podman/podman.sock')).toBe('/run/podman/podman.sock');
    expect(unixSocketPath('/x.sock')).toBe('/x.sock');
    expect(unixSocketPath('ssh://host')).toBeNull();
  });
});

describe('the archdeck executable', () => {
  it('exits 2 with a one-line error on a bad flag', async () => {
    const err = (await run(process.execPath, [BIN, '--host', '0.0.0.0']).catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).toMatch(/^archdeck: --host must be a loopback address/);
  });

  it('prints usage with --help', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    expect(stdout).toContain('--podman-socket');
  });
});
