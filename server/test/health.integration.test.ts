/**
 * /api/health against the real podman service, the real binfmt_misc and a podman service that
 * dies and comes back.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { machine, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Health } from '@archdeck/shared';
import { detectHostQuirks } from '../src/engine/host-quirks.js';
import { buildTestApp, HOST, runToExit, testEnv, type TestApp } from './helper.js';
import { startPodmanProxy } from './podman-proxy.js';

const run = promisify(execFile);
const env = testEnv();
const apps: TestApp[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.app.close()));
});
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function health(t: TestApp): Promise<Health> {
  const res = await t.api({ url: '/api/health' });
  expect(res.statusCode).toBe(200);
  return res.json() as Health;
}

async function podmanVersion(): Promise<string> {
  const { stdout } = await run('podman', ['--version']);
  return stdout.trim().split(' ').pop()!;
}

/** A podman API service of the test's own, on its own storage, that the test can kill. */
async function startPodmanService(dir: string): Promise<{ socket: string; child: ChildProcess }> {
  const socket = join(dir, 'podman.sock');
  const child = spawn(
    'podman',
    [
      '--root',
      join(dir, 'root'),
      '--runroot',
      join(dir, 'runroot'),
      // vfs: nothing to mount, so the throwaway storage can simply be deleted.
      '--storage-driver',
      'vfs',
      'system',
      'service',
      '--time=0',
      `unix://${socket}`,
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
  return { socket, child };
}

/**
 * A socket that accepts and never answers: the daemon's connection hangs on it (`held`) until
 * `hangUp`.
 */
async function hangingSocket() {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-hang-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const held: Socket[] = [];
  const server = createServer((s) => void held.push(s));
  const socket = join(dir, 'hang.sock');
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const hangUp = () => {
    for (const s of held) s.destroy();
    server.close();
  };
  return { socket, held, hangUp };
}

describe('GET /api/health', () => {
  it('reports the real podman service, host and binfmt_misc', async () => {
    const t = await buildTestApp({ podmanSocket: env.socket });
    apps.push(t);
    const h = await health(t);

    expect(h.podman).toMatchObject({
      reachable: true,
      mode: 'external',
      socket: env.socket,
      version: await podmanVersion(),
      apiVersion: expect.stringMatching(/^1\.\d+$/),
      error: null,
    });
    expect(h.podman.ociRuntime).toBeTruthy();
    expect(h.podman.cgroupVersion).toMatch(/^[12]$/);
    expect(h.podman.rootless).toBe(process.getuid!() !== 0);

    expect(h.host.machine).toBe(machine());
    expect(h.host.arch).toBe(
      { x86_64: 'amd64', aarch64: 'arm64', ppc64le: 'ppc64le', s390x: 's390x' }[machine()],
    );

    const files = await readdir('/proc/sys/fs/binfmt_misc');
    expect(h.binfmt).toEqual({
      root: '/proc/sys/fs/binfmt_misc',
      mounted: true,
      enabled: true,
      entries: files.filter((f) => f !== 'register' && f !== 'status').length,
      // Only looked for while nothing is registered.
      interpreters: null,
    });
    expect(h.ok).toBe(true);
  });

  it('reports an unmounted binfmt_misc with the mount command as the fix', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'archdeck-nobinfmt-'));
    cleanups.push(() => rm(empty, { recursive: true }));
    const t = await buildTestApp({ podmanSocket: env.socket, binfmtRoot: empty });
    apps.push(t);
    const h = await health(t);
    expect(h.binfmt.mounted).toBe(false);
    expect(h.ok).toBe(false);
    expect(h.problems).toContainEqual(
      expect.objectContaining({
        id: 'binfmt-not-mounted',
        action: 'mount-binfmt',
        severity: 'error',
        fix: expect.stringContaining('mount -t binfmt_misc'),
      }),
    );
  });

  it('holds API requests while podman is being reached, never the UI', async () => {
    const { socket, held, hangUp } = await hangingSocket();
    const t = await buildTestApp({ podmanSocket: socket });
    apps.push(t);
    let answered = false;
    const api = t.api({ url: '/api/containers' }).then((res) => {
      answered = true;
      return res;
    });
    await expect.poll(() => held.length).toBeGreaterThan(0);
    const page = await t.api({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(answered).toBe(false);
    // podman hangs up: the held request gets the real answer, not a premature one.
    hangUp();
    const res = await api;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'podman_unavailable' });
  });

  it('answers liveness at once, without waiting for podman to be reached', async () => {
    const { socket, held, hangUp } = await hangingSocket();
    cleanups.push(async () => hangUp());
    const t = await buildTestApp({ podmanSocket: socket });
    apps.push(t);
    await expect.poll(() => held.length).toBeGreaterThan(0);
    const res = await t.app.inject({ url: '/api/health', headers: { host: HOST } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    // The first attempt to reach podman is still hanging: the answer did not wait for it.
    expect(t.app.engine.pendingReach()).not.toBeNull();
  });

  it('says at once that podman is unreachable while it tries to reach it again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-proxy-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const proxy = await startPodmanProxy(env.socket, dir);
    cleanups.push(() => proxy.close());
    const t = await buildTestApp({ podmanSocket: proxy.socket });
    apps.push(t);
    expect((await health(t)).podman.reachable).toBe(true);
    await expect.poll(() => t.app.engineEvents.live, { timeout: 15_000 }).toBe(true);

    // podman hangs: its event stream is cut, the ping that follows gets no answer, podman is
    // marked lost and tried again, and each attempt hangs until its ping gives up (1.5 s).
    proxy.hang();
    await expect
      .poll(() => !t.app.engine.reachable && t.app.engine.pendingReach() !== null, {
        timeout: 15_000,
        interval: 20,
      })
      .toBe(true);
    const h = await health(t);
    expect(h.podman.reachable).toBe(false);
    expect(h.podman.error).toBeTruthy();
    expect(h.problems.map((p) => p.id)).toContain('podman-unreachable');
    // Answered while that attempt was still in flight, not after it.
    expect(t.app.engine.pendingReach()).not.toBeNull();
  });

  it('keeps running while podman is down and reconnects when it comes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-podman-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const socket = join(dir, 'podman.sock');
    const t = await buildTestApp({ podmanSocket: socket });
    apps.push(t);

    const down = await health(t);
    expect(down.podman.reachable).toBe(false);
    expect(down.podman.error).toBeTruthy();
    expect(down.problems.map((p) => p.id)).toContain('podman-unreachable');

    let service = await startPodmanService(dir);
    cleanups.push(async () => service.child.kill('SIGKILL'));
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 30_000, interval: 250 })
      .toBe(true);

    service.child.kill('SIGTERM');
    await new Promise((r) => service.child.once('exit', r));
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 10_000 })
      .toBe(false);

    service = await startPodmanService(dir);
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 40_000, interval: 500 })
      .toBe(true);
    service.child.kill('SIGTERM');
    await new Promise((r) => service.child.once('exit', r));
  });

  it('starts, reports and stops a managed podman service when none answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-managed-'));
    const storageConf = join(dir, 'storage.conf');
    // The managed service inherits the daemon's environment: keep it off the host's storage.
    await writeFile(
      storageConf,
      `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/runroot"\n`,
    );
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Everything else is the host's own: /usr/share and /etc containers.conf, the generator.
    const t = await buildTestApp(
      {
        podmanSocket: null,
        podmanCandidates: [join(dir, 'absent.sock')],
        registriesConf: env.registriesConf,
      },
      {
        ...process.env,
        CONTAINERS_STORAGE_CONF: storageConf,
        CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      },
    );
    const h = await health(t);
    expect(h.podman).toMatchObject({
      reachable: true,
      mode: 'managed',
      version: await podmanVersion(),
    });
    expect(h.podman.socket).toBe(join(t.config.dataDir, 'podman', 'podman.sock'));

    const quirks = await detectHostQuirks();
    const settings = h.podman.adjustments.map((a) => a.setting).join('\n');
    if (quirks.hybridCgroups) expect(settings).toContain('runtime = "runc"');
    if (!quirks.capSysResource) expect(settings).toContain('default_ulimits');
    if (quirks.hybridCgroups) expect(h.podman.ociRuntime).toBe('runc');

    // The daemon proved it itself, first thing after the connect.
    await expect
      .poll(async () => (await health(t)).containers.canStart, { timeout: 60_000 })
      .toBe('yes');

    // What it is for: a container starts (its rlimits fit the service's own, which are lower
    // than the daemon's: podman sets RLIMIT_NPROC 32768 for itself).
    await runToExit(t, {
      image: env.image,
      platform: 'linux/amd64',
      cmd: ['sh', '-c', 'ulimit -u; ulimit -n'],
    });

    const pids = async () =>
      (await run('pgrep', ['-f', h.podman.socket]).catch(() => ({ stdout: '' }))).stdout.trim();
    expect(await pids()).not.toBe('');
    await t.app.close();
    expect(await pids()).toBe('');
  });

  it("says whether an external service with the host's stock configuration can start containers, and the fix", async () => {
    // A podman service as Debian configures it: no CONTAINERS_* variables, the host's own
    // /usr/share and /etc containers.conf, the host's storage. Found through $DOCKER_HOST.
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-stock-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const socket = join(dir, 'podman.sock');
    const stockEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('CONTAINERS_')),
    );
    const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
      env: stockEnv,
      stdio: 'ignore',
    });
    cleanups.push(async () => {
      child.kill('SIGTERM');
      // The probe image went to the host's storage; it is ours to take away.
      await run('podman', ['rmi', '-f', 'localhost/archdeck-probe:amd64'], { env: stockEnv }).catch(
        () => undefined,
      );
    });
    const t = await buildTestApp(
      { podmanSocket: null },
      { ...process.env, DOCKER_HOST: `unix://${socket}` },
    );
    apps.push(t);
    await expect
      .poll(async () => (await health(t)).podman.reachable, { timeout: 30_000 })
      .toBe(true);
    await expect
      .poll(async () => (await health(t)).containers.canStart, { timeout: 60_000 })
      .toMatch(/^(yes|no)$/);
    const h = await health(t);
    expect(h.podman.mode).toBe('external');

    // Stock podman fails on hosts with hybrid cgroups (crun) or without CAP_SYS_RESOURCE
    // (its default rlimits); elsewhere it works. The verdict must match the host.
    const quirks = await detectHostQuirks();
    if (quirks.hybridCgroups || !quirks.capSysResource) {
      expect(h.containers).toMatchObject({
        canStart: 'no',
        error: expect.stringMatching(/rlimit|hybrid|cgroup/i),
        fix: expect.stringMatching(/default_ulimits|runtime = "runc"/),
      });
      expect(h.problems.map((p) => p.id)).toContain('containers-cannot-start');
      expect(h.ok).toBe(false);
    } else {
      expect(h.containers.canStart).toBe('yes');
    }
  });
});
