import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('reads registries, credentials and certificates where podman 4.3 does', () => {
    const c = loadConfig([], { HOME: '/root' }, 0);
    expect(c).toMatchObject({
      registriesConf: '/etc/containers/registries.conf',
      registriesConfDirs: [
        '/etc/containers/registries.conf.d',
        '/root/.config/containers/registries.conf.d',
      ],
      shortNameAliasesConf: '/var/cache/containers/short-name-aliases.conf',
      // The podman service's own first file, so that a login here is a pull there.
      authFile: '/run/containers/0/auth.json',
      authFiles: [
        { path: '/run/containers/0/auth.json', legacy: false },
        { path: '/root/.config/containers/auth.json', legacy: false },
        { path: '/root/.docker/config.json', legacy: false },
        { path: '/root/.dockercfg', legacy: true },
      ],
      certsDirs: [
        '/root/.config/containers/certs.d',
        '/etc/containers/certs.d',
        '/etc/docker/certs.d',
      ],
    });
    const user = loadConfig(
      [],
      {
        HOME: '/home/u',
        XDG_RUNTIME_DIR: '/run/user/1000',
        XDG_CACHE_HOME: '/home/u/.c',
        REGISTRY_AUTH_FILE: '/home/u/auth.json',
        DOCKER_CONFIG: '/home/u/.dk',
      },
      1000,
    );
    expect(user !== 'help' && user.authFiles.map((f) => f.path)).toEqual([
      '/home/u/auth.json',
      '/run/user/1000/containers/auth.json',
      '/home/u/.config/containers/auth.json',
      '/home/u/.dk/config.json',
      '/home/u/.dockercfg',
    ]);
    expect(user).toMatchObject({
      authFile: '/run/user/1000/containers/auth.json',
      shortNameAliasesConf: '/home/u/.c/containers/short-name-aliases.conf',
    });
  });

  it('lets flags and their twins choose every registry path', () => {
    const c = loadConfig(
      [
        '--registries-conf',
        '/t/registries.conf',
        '--registries-conf-d',
        '/t/registries.conf.d',
        '--auth-file',
        '/t/auth.json',
        '--certs-d',
        '/t/certs.d',
      ],
      { HOME: '/root' },
      0,
    );
    expect(c).toMatchObject({
      registriesConf: '/t/registries.conf',
      registriesConfDirs: ['/t/registries.conf.d'],
      authFile: '/t/auth.json',
      certsDirs: ['/t/certs.d'],
    });
    const env = loadConfig(
      [],
      {
        HOME: '/root',
        CONTAINERS_REGISTRIES_CONF: '/e/registries.conf',
        ARCHDECK_REGISTRIES_CONF_D: '/e/d',
        ARCHDECK_AUTH_FILE: '/e/auth.json',
        ARCHDECK_CERTS_D: '/e/certs.d',
      },
      0,
    );
    expect(env).toMatchObject({
      registriesConf: '/e/registries.conf',
      registriesConfDirs: ['/e/d'],
      authFile: '/e/auth.json',
      certsDirs: ['/e/certs.d'],
    });
    expect(() => loadConfig(['--auth-file', 'auth.json'], {}, 0)).toThrow(/--auth-file must be/);
  });

  it('prefers an existing per-user registries.conf, and then only the per-user drop-ins', async () => {
    const home = await mkdtemp(join(tmpdir(), 'archdeck-home-'));
    try {
      await mkdir(join(home, '.config/containers'), { recursive: true });
      await writeFile(join(home, '.config/containers/registries.conf'), '');
      expect(loadConfig([], { HOME: home }, 0)).toMatchObject({
        registriesConf: join(home, '.config/containers/registries.conf'),
        registriesConfDirs: [join(home, '.config/containers/registries.conf.d')],
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
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
