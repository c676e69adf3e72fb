/**
 * The Hosts API against a real sshd on loopback with a second podman behind it: archdeck's own
 * key (generated once, 0600, shown as a ready authorized_keys line), a host added with its key
 * unconfirmed, a wrong fingerprint refused, the right one pinned, and the host up with its
 * arch and podman version; a changed host key refused; the hosts kept across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Host, HostsKey, Placement } from '@archdeck/shared';
import { buildTestApp, type TestApp } from '../helper.js';
import { startSshd, type Sshd } from '../sshd.js';

let t: TestApp;
let sshd: Sshd;
let key: HostsKey;

beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: '/nonexistent/podman.sock' });
  key = (await t.api({ url: '/api/hosts/key' })).json() as HostsKey;
  sshd = await startSshd([key.authorizedKeysLine]);
});
afterAll(async () => {
  await t.app.close();
  await sshd.cleanup();
});

const url = () => `ssh://root@127.0.0.1:${sshd.port}${sshd.podmanSocket}`;
const hosts = async () => (await t.api({ url: '/api/hosts' })).json() as Host[];

describe('/api/hosts', () => {
  it("shows archdeck's key as a ready authorized_keys line, kept 0600", async () => {
    expect(key.authorizedKeysLine).toMatch(
      /^restrict,port-forwarding,command="\/bin\/false" ssh-ed25519 AAAA\S+ archdeck@/,
    );
    expect(key.fingerprint).toMatch(/^SHA256:/);
    const mode = (await stat(join(t.config.dataDir, 'ssh', 'id_ed25519'))).mode & 0o777;
    expect(mode).toBe(0o600);
    // The same key on every read.
    expect(((await t.api({ url: '/api/hosts/key' })).json() as HostsKey).publicKey).toBe(
      key.publicKey,
    );
  });

  it('adds a host unconfirmed, refuses a wrong fingerprint, pins the right one, and connects', async () => {
    const added = await t.api({
      method: 'POST',
      url: '/api/hosts',
      payload: { name: 'loopback', url: url() },
    });
    expect(added.statusCode, added.body).toBe(201);
    const host = added.json() as Host;
    expect(host).toMatchObject({
      kind: 'ssh',
      state: 'unconfirmed',
      hostKey: { fingerprint: sshd.fingerprint, confirmed: false },
    });
    // Nothing is sent to it: it has no engine until the key is confirmed.
    expect(() => t.app.hosts.engine(host.id)).toThrow(/not confirmed yet/);

    const wrong = await t.api({
      method: 'POST',
      url: `/api/hosts/${host.id}/confirm`,
      payload: { fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().message).toMatch(/ssh-keygen -lf/);

    const confirmed = await t.api({
      method: 'POST',
      url: `/api/hosts/${host.id}/confirm`,
      payload: { fingerprint: sshd.fingerprint },
    });
    expect(confirmed.statusCode).toBe(200);
    await expect
      .poll(async () => (await hosts()).find((h) => h.id === host.id)?.state, { timeout: 30_000 })
      .toBe('up');
    const up = (await hosts()).find((h) => h.id === host.id)!;
    expect(up).toMatchObject({ arch: 'amd64', podman: { version: '4.3.1', mode: 'ssh' } });

    // This daemon's own podman is missing: amd64 runs go to the SSH host, native there.
    const placement = async (platform: string) =>
      t.api({ url: `/api/hosts/placement?platform=${encodeURIComponent(platform)}` });
    expect((await placement('linux/amd64')).json()).toMatchObject({
      host: host.id,
      native: true,
      reason: 'loopback runs amd64 natively.',
    });
    // arm64 falls back to this machine (it only emulates), and says the SSH host would too.
    const arm = (await placement('linux/aarch64')).json() as Placement;
    expect(arm).toMatchObject({ platform: 'linux/arm64', host: 'local', native: false });
    expect(arm.options.find((o) => o.host === host.id)?.unavailable).toBe('would emulate it');
    expect((await placement('linux/vax')).statusCode).toBe(400);
    expect((await placement('linux/ARM64')).statusCode).toBe(400);
  });

  it('refuses bad URLs with the fix, and a host it cannot reach with the reason', async () => {
    for (const bad of ['ssh://127.0.0.1/x.sock', 'ssh://root:pw@127.0.0.1/x', 'ssh://root@/x']) {
      const res = await t.api({
        method: 'POST',
        url: '/api/hosts',
        payload: { name: 'x', url: bad },
      });
      expect(res.statusCode, bad).toBe(400);
    }
    const unreachable = await t.api({
      method: 'POST',
      url: '/api/hosts',
      payload: { name: 'x', url: 'ssh://root@127.0.0.1:1/run/podman/podman.sock' },
    });
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json().message).toMatch(
      /cannot reach 127\.0\.0\.1:1 over SSH: nothing listens on that port; is sshd running there/,
    );
    const unknown = await t.api({
      method: 'POST',
      url: '/api/hosts',
      payload: { name: 'x', url: 'ssh://root@nohost.invalid/run/podman/podman.sock' },
    });
    expect(unknown.statusCode).toBe(502);
    expect(unknown.json().message).toMatch(
      /nohost\.invalid:22 over SSH: the name does not resolve/,
    );
  });

  it('keeps its hosts across a restart, and refuses the host once its key changed', async () => {
    const [remote] = (await hosts()).filter((h) => h.kind === 'ssh');
    await sshd.restart({ newKey: true });
    // A second daemon on the same data dir: the pinned key is read back, the new one refused.
    const again = await buildTestApp({
      podmanSocket: '/nonexistent/podman.sock',
      dataDir: t.config.dataDir,
    });
    try {
      await expect
        .poll(
          async () => {
            const h = ((await again.api({ url: '/api/hosts' })).json() as Host[]).find(
              (x) => x.id === remote!.id,
            );
            return h?.error ?? '';
          },
          { timeout: 30_000 },
        )
        .toMatch(/host key of 127\.0\.0\.1 has changed/);
    } finally {
      await again.app.close();
    }
    const removed = await t.api({ method: 'DELETE', url: `/api/hosts/${remote!.id}` });
    expect(removed.statusCode).toBe(204);
    expect((await hosts()).map((h) => h.id)).toEqual(['local']);
  });
});
