/**
 * The SSH transport against a real OpenSSH server on loopback and a second podman service
 * behind it: host keys pinned (unknown and changed ones refused), one persistent connection
 * carrying podman's API over stream-local channels, a host that goes away and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { utils } from 'ssh2';
import { Engine } from '../../src/engine/engine.js';
import { startSshd, type Sshd } from '../sshd.js';

const keys = utils.generateKeyPairSync('ed25519');
const log = pino({ level: 'silent' });
let sshd: Sshd;
const target = () => ({
  host: '127.0.0.1',
  port: sshd.port,
  username: 'root',
  socketPath: sshd.podmanSocket,
});
const engines: Engine[] = [];
function engine(fingerprint: string | null): Engine {
  const e = Engine.ssh({ ...target(), privateKey: keys.private, fingerprint }, log);
  engines.push(e);
  return e;
}

beforeAll(async () => {
  // What the Hosts page tells the user to put in authorized_keys: no shell, only forwarding.
  sshd = await startSshd([`restrict,port-forwarding,command="/bin/false" ${keys.public}`]);
});
afterAll(async () => {
  for (const e of engines) await e.close();
  await sshd.cleanup();
});

describe('SSH hosts', () => {
  it('reads the host key as ssh-keygen -lf shows it, without logging in', async () => {
    expect(await Engine.readSshHostKey(target(), keys.private)).toBe(sshd.fingerprint);
  });

  it('refuses a host whose key is not confirmed yet', async () => {
    const e = engine(null);
    await e.start();
    const h = await e.health();
    expect(h).toMatchObject({ reachable: false, mode: 'ssh' });
    expect(h.error).toMatch(/not confirmed yet/);
    await e.close();
  });

  it('with the confirmed key, speaks to the remote podman over one connection', async () => {
    const e = engine(sshd.fingerprint);
    await e.start();
    await e.settled();
    const h = await e.health();
    expect(h, h.error ?? '').toMatchObject({ reachable: true, mode: 'ssh', version: '4.3.1' });
    expect(h.socket).toBe(`ssh://root@127.0.0.1:${sshd.port}${sshd.podmanSocket}`);
    // Requests in parallel ride the same SSH connection as channels.
    const lists = await Promise.all([e.listContainers(), e.listImages(), e.listContainers()]);
    expect(lists[0]).toEqual([]);
    await e.close();
  });

  it('refuses a changed host key, saying so', async () => {
    const pinned = sshd.fingerprint;
    await sshd.restart({ newKey: true });
    const e = engine(pinned);
    await e.start();
    const h = await e.health();
    expect(h.reachable).toBe(false);
    expect(h.error).toMatch(/host key of 127\.0\.0\.1 has changed/);
    expect(h.error).toContain(sshd.fingerprint);
    await e.close();
  });

  it('marks a host that goes away down, and reconnects when it is back', async () => {
    const e = engine(sshd.fingerprint);
    const states: boolean[] = [];
    e.onState((up) => states.push(up));
    await e.start();
    await e.settled();
    expect(e.reachable).toBe(true);
    await sshd.stop();
    await expect.poll(() => e.reachable, { timeout: 30_000 }).toBe(false);
    await sshd.restart();
    await expect
      .poll(() => states, { timeout: 60_000, interval: 500 })
      .toEqual([true, false, true]);
    expect(await e.listContainers()).toEqual([]);
    await e.close();
  });
});
