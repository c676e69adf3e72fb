/**
 * Running images as foreign architectures through the daemon, against the real private podman
 * service, the loopback registry and the registered qemu handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSummary, RunRequest } from '@archdeck/shared';
import { buildTestApp, testEnv, type TestApp, podmanClient, startContainer } from '../helper.js';

const env = testEnv();
let t: TestApp;
const created: string[] = [];

async function logsOf(id: string): Promise<string> {
  // The full history of a stopped container, straight from podman through the engine.
  const docker = podmanClient();
  const buf = (await docker
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return buf.toString('latin1');
}

async function runToEnd(body: Record<string, unknown>): Promise<ContainerSummary> {
  const c = await startContainer(t, body as RunRequest);
  created.push(c.id);
  await expect
    .poll(
      async () =>
        ((await t.api({ url: `/api/containers/${c.id}` })).json() as ContainerSummary).state,
      { timeout: 60_000 },
    )
    .toBe('exited');
  return (await t.api({ url: `/api/containers/${c.id}` })).json() as ContainerSummary;
}

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: env.socket, registriesConf: env.registriesConf });
});

afterAll(async () => {
  for (const id of created) await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
  await t.app.close();
});

describe('POST /api/containers', () => {
  it.each([
    ['linux/s390x', 's390x', 'qemu-s390x'],
    ['linux/arm64', 'aarch64', 'qemu-aarch64'],
    ['linux/amd64', 'x86_64', null],
  ])(
    'runs the busybox index as %s (pulling it when needed)',
    async (platform, machine, handler) => {
      const c = await runToEnd({ image: env.image, platform, cmd: ['uname', '-m'] });
      expect(c).toMatchObject({
        platform,
        exitCode: 0,
        badge: { run: handler ? 'emulated' : 'native', emulatedBy: handler },
      });
      expect(await logsOf(c.id)).toContain(machine);
    },
  );

  it('lists containers with their arch badge, and acts idempotently', async () => {
    const c = await startContainer(t, {
      image: env.image,
      platform: 'linux/ppc64le',
      cmd: ['sleep', '30'],
      name: `archdeck-test-${process.pid}`,
    });
    created.push(c.id);
    const listed = ((await t.api({ url: '/api/containers' })).json() as ContainerSummary[]).find(
      (x) => x.id === c.id,
    )!;
    expect(listed).toMatchObject({
      name: `archdeck-test-${process.pid}`,
      state: 'running',
      platform: 'linux/ppc64le',
      badge: { run: 'emulated', emulatedBy: 'qemu-ppc64le' },
    });

    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/start` })).statusCode).toBe(
      204,
    );
    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/kill` })).statusCode).toBe(
      204,
    );
    await expect
      .poll(
        async () =>
          ((await t.api({ url: `/api/containers/${c.id}` })).json() as ContainerSummary).state,
      )
      .toBe('exited');
    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/stop` })).statusCode).toBe(
      204,
    );
    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/kill` })).statusCode).toBe(
      204,
    );
    expect((await t.api({ method: 'DELETE', url: `/api/containers/${c.id}` })).statusCode).toBe(
      204,
    );
    expect((await t.api({ url: `/api/containers/${c.id}` })).statusCode).toBe(404);
  });

  it('keeps the (cached) list current when a container changes outside the daemon', async () => {
    const c = (
      await t.api({
        method: 'POST',
        url: '/api/containers',
        payload: { image: env.image, platform: 'linux/arm64', cmd: ['sleep', '30'] },
      })
    ).json() as ContainerSummary;
    created.push(c.id);
    const stateInList = async () =>
      ((await t.api({ url: '/api/containers' })).json() as ContainerSummary[]).find(
        (x) => x.id === c.id,
      )?.state;
    await expect.poll(stateInList).toBe('running');
    expect(await stateInList()).toBe('running');
    // Killed behind the daemon's back: only podman's event can tell the list.
    await podmanClient().getContainer(c.id).kill();
    await expect.poll(stateInList, { timeout: 10_000 }).toBe('exited');
    await podmanClient().getContainer(c.id).remove();
    await expect.poll(stateInList, { timeout: 10_000 }).toBeUndefined();
  });

  it.each([
    ['privileged mode', { Privileged: true }],
    ['host mounts', { HostConfig: { Binds: ['/:/host'] } }],
    ['Mounts', { Mounts: [{ Source: '/', Target: '/host' }] }],
    ['host namespaces', { NetworkMode: 'host' }],
    ['capabilities', { CapAdd: ['SYS_ADMIN'] }],
    ['devices', { Devices: ['/dev/sda'] }],
    ['a bad name', { name: '../etc' }],
    ['a bad env entry', { env: ['no equals sign'] }],
    ['a NUL byte in an env value', { env: ['A=x\u0000y'] }],
    ['a NUL byte in an argument', { cmd: ['echo', 'x\u0000y'] }],
    ['a non-array cmd', { cmd: 'sh -c id' }],
    ['a bad reference', { image: 'UPPER/case' }],
    ['an unknown platform', { platform: 'linux/vax' }],
  ])('refuses %s with 400 and creates nothing', async (_what, patch) => {
    const before = ((await t.api({ url: '/api/containers' })).json() as ContainerSummary[]).length;
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: env.image, platform: 'linux/arm64', ...patch },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('bad_request');
    expect(((await t.api({ url: '/api/containers' })).json() as ContainerSummary[]).length).toBe(
      before,
    );
  });

  it('validates ids before they reach podman', async () => {
    for (const id of ['a;b', '.hidden', '-rf']) {
      const res = await t.api({ url: `/api/containers/${id}` });
      expect(res.statusCode).toBe(400);
    }
    // An encoded slash or an over-long id is refused by the router or the schema.
    for (const url of ['/api/containers/..%2F..%2Fx', `/api/containers/${'x'.repeat(300)}`]) {
      const res = await t.api({ url });
      expect([400, 404]).toContain(res.statusCode);
      expect(res.json().message).not.toMatch(/podman/i);
    }
    expect((await t.api({ url: '/api/containers/doesnotexist' })).statusCode).toBe(404);
  });
});

describe('POST /api/containers/:id/stop', () => {
  async function runShell(): Promise<ContainerSummary> {
    const c = await startContainer(t, {
      image: env.image,
      platform: 'linux/arm64',
      cmd: ['sh'],
      tty: true,
    });
    created.push(c.id);
    return c;
  }
  const detail = async (id: string) =>
    (await t.api({ url: `/api/containers/${id}` })).json() as ContainerSummary;

  it('stops a shell that ignores SIGTERM after the chosen timeout, and says it was killed', async () => {
    const c = await runShell();
    expect(c.state).toBe('running');
    // Until its prompt, the shell may not ignore SIGTERM yet (a SIGTERM then ends it, 143).
    await expect.poll(() => logsOf(c.id), { timeout: 30_000 }).toContain('/ # ');
    const started = Date.now();
    const res = await t.api({ method: 'POST', url: `/api/containers/${c.id}/stop?timeout=1` });
    const took = Date.now() - started;
    expect(res.statusCode, res.body).toBe(204);
    // podman waited the 1 s, not its default 10 s, then sent SIGKILL.
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(3000);

    const stopped = await detail(c.id);
    expect(stopped).toMatchObject({
      state: 'exited',
      exitCode: 137,
      stop: { timeout: 1, killed: true },
    });
    expect(stopped.diagnosis).toMatchObject({ kind: 'stop-timeout' });
    expect(stopped.diagnosis!.title).toBe(
      'Killed after the 1 s stop timeout: it did not exit on SIGTERM',
    );
    expect(stopped.diagnosis!.cause).toMatch(/SIGTERM.*SIGKILL.*137.*interactive shell/s);
    const listed = ((await t.api({ url: '/api/containers' })).json() as ContainerSummary[]).find(
      (x) => x.id === c.id,
    );
    expect(listed?.stop).toEqual({ timeout: 1, killed: true });

    // Started again, it is a new run: the last stop no longer explains anything.
    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/start` })).statusCode).toBe(
      204,
    );
    await expect.poll(async () => (await detail(c.id)).state).toBe('running');
    expect((await detail(c.id)).stop).toBeNull();
    await t.api({ method: 'POST', url: `/api/containers/${c.id}/kill` });
    await expect.poll(async () => (await detail(c.id)).state).toBe('exited');
    expect(await detail(c.id)).toMatchObject({ exitCode: 137, stop: null });
  }, 60_000);

  it('notes a stop that SIGTERM ended as asked for, not as a failure', async () => {
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: { image: env.image, platform: 'linux/arm64', cmd: ['sleep', '600'] },
    });
    const c = res.json() as ContainerSummary;
    created.push(c.id);
    expect((await t.api({ method: 'POST', url: `/api/containers/${c.id}/stop` })).statusCode).toBe(
      204,
    );
    expect(await detail(c.id)).toMatchObject({
      state: 'exited',
      exitCode: 143,
      stop: { timeout: 10, killed: false },
      diagnosis: null,
    });
  }, 60_000);

  it.each([
    ['a negative timeout', 'stop?timeout=-1', /timeout must be >= 0/],
    ['a timeout past 600 s', 'stop?timeout=601', /timeout must be <= 600/],
    ['a fractional timeout', 'stop?timeout=1.5', /timeout must be integer/],
    ['a timeout that is not a number', 'stop?timeout=soon', /timeout must be integer/],
    ['a timeout on another action', 'kill?timeout=1', /Only a stop takes a timeout/],
  ])('refuses %s with 400', async (_what, path, message) => {
    const c = await runShell();
    const res = await t.api({ method: 'POST', url: `/api/containers/${c.id}/${path}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(message),
    });
    expect((await detail(c.id)).state).toBe('running');
  });
});
