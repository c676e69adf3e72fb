/**
 * The podman hosts archdeck knows: this machine's (always there, id `local`) and others over
 * SSH, kept in `<data-dir>/hosts.json` (0600). Each remote host gets an Engine of its own; a
 * host's key must be confirmed by the user before anything is sent to it, and from then on
 * it is pinned (engine/ssh-transport.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Host, HostsKey, Placement, PodmanHealth } from '@archdeck/shared';
import { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import type { SshTarget } from '../engine/types.js';
import { writeFileAtomic } from '../lib/data-file.js';
import { AppError, badRequest, notFound } from '../lib/errors.js';
import { normalizePlatform } from '../images/pulls.js';
import { loadOrCreateKey, type ArchdeckKey } from './keys.js';
import { place } from './placement.js';

interface StoredHost {
  id: string;
  name: string;
  target: SshTarget;
  /** The fingerprint the host presented when it was added. */
  fingerprint: string;
  confirmed: boolean;
}

interface Remote extends StoredHost {
  engine: Engine | null;
}

export const LOCAL_HOST = 'local';
const DEFAULT_SOCKET = '/run/podman/podman.sock';

/** `ssh://user@host[:port]/path/to/podman.sock`, checked; the socket defaults to root's. */
export function parseSshUrl(url: string): SshTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badRequest(`"${url}" is not a URL: write ssh://user@host[:port]/path/to/podman.sock`);
  }
  if (u.protocol !== 'ssh:') throw badRequest('A remote host is an ssh:// URL.');
  if (!u.username) throw badRequest('Say which user to log in as: ssh://user@host/…');
  if (u.password) throw badRequest('No passwords: archdeck logs in with its own key.');
  if (u.search || u.hash) throw badRequest('The URL takes no query or fragment.');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw badRequest('The URL names no host.');
  return {
    host,
    port: u.port ? Number(u.port) : 22,
    username: decodeURIComponent(u.username),
    socketPath: u.pathname && u.pathname !== '/' ? decodeURIComponent(u.pathname) : DEFAULT_SOCKET,
  };
}

export class Hosts {
  private readonly remotes = new Map<string, Remote>();
  private key!: ArchdeckKey;
  private readonly file: string;

  constructor(
    private readonly o: {
      dataDir: string;
      local: Engine;
      events: EngineEvents;
      log: FastifyBaseLogger;
    },
  ) {
    this.file = join(o.dataDir, 'hosts.json');
  }

  /** Reads the key and the hosts; connects to every confirmed one (in the background). */
  async start(): Promise<void> {
    this.key = await loadOrCreateKey(this.o.dataDir);
    let stored: StoredHost[] = [];
    try {
      stored = JSON.parse(await readFile(this.file, 'utf8')) as StoredHost[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.o.log.warn({ err, file: this.file }, 'ignoring an unreadable hosts file');
      }
    }
    for (const h of stored) {
      const remote: Remote = { ...h, engine: null };
      this.remotes.set(h.id, remote);
      if (h.confirmed) this.connect(remote);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.remotes.values()].map((r) => r.engine?.close()));
  }

  get publicKey(): HostsKey {
    const { publicKey, fingerprint, authorizedKeysLine } = this.key;
    return { publicKey, fingerprint, authorizedKeysLine };
  }

  async list(): Promise<Host[]> {
    const local = await this.o.local.health();
    return [
      {
        id: LOCAL_HOST,
        name: 'This machine',
        kind: 'local',
        url: local.socket,
        state: local.reachable ? 'up' : 'down',
        arch: local.arch,
        podman: local,
        hostKey: null,
        error: local.error,
      },
      ...(await Promise.all([...this.remotes.values()].map((r) => this.describe(r)))),
    ];
  }

  async get(id: string): Promise<Host> {
    const host = (await this.list()).find((h) => h.id === id);
    if (!host) throw notFound(`No host ${id}.`);
    return host;
  }

  /** Where a run of `platform` goes now: a connected native host, else emulation here. */
  async placement(platform: string): Promise<Placement> {
    const normalized = normalizePlatform(platform);
    const hosts = await this.list();
    return place(
      normalized,
      hosts.map((h) => ({ ...h, local: h.kind === 'local' })),
    );
  }

  /** The engine of a host, for every route that takes one. */
  engine(id: string): Engine {
    if (id === LOCAL_HOST) return this.o.local;
    const remote = this.remotes.get(id);
    if (!remote) throw notFound(`No host ${id}.`);
    if (!remote.engine) {
      throw new AppError(
        409,
        'host_unconfirmed',
        `The SSH host key of ${remote.name} is not confirmed yet: confirm ${remote.fingerprint} on the Hosts page first.`,
      );
    }
    return remote.engine;
  }

  /**
   * Adds a host: reads the key it presents (without logging in) and keeps it unconfirmed.
   * Nothing else is sent to it until the user confirmed that fingerprint.
   */
  async add(name: string, url: string): Promise<Host> {
    const target = parseSshUrl(url);
    const where = Engine.sshUrl(target);
    for (const r of this.remotes.values()) {
      if (Engine.sshUrl(r.target) === where)
        throw new AppError(409, 'host_exists', `${where} is added already, as ${r.name}.`);
    }
    let fingerprint: string;
    try {
      fingerprint = await Engine.readSshHostKey(target, this.key.privateKey);
    } catch (err) {
      throw new AppError(502, 'host_unreachable', (err as Error).message);
    }
    const remote: Remote = {
      id: randomBytes(6).toString('hex'),
      name,
      target,
      fingerprint,
      confirmed: false,
      engine: null,
    };
    this.remotes.set(remote.id, remote);
    await this.save();
    this.changed(remote.id);
    return this.describe(remote);
  }

  /** Pins the fingerprint the user compared with the host's own, then connects. */
  async confirm(id: string, fingerprint: string): Promise<Host> {
    const remote = this.remote(id);
    if (fingerprint.trim() !== remote.fingerprint) {
      throw new AppError(
        409,
        'fingerprint_mismatch',
        `${fingerprint.trim()} is not the key ${remote.target.host} presented (${remote.fingerprint}). Compare with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host; if they differ, do not confirm.`,
      );
    }
    if (!remote.confirmed) {
      remote.confirmed = true;
      await this.save();
      this.connect(remote);
    }
    return this.describe(remote);
  }

  async remove(id: string): Promise<void> {
    const remote = this.remote(id);
    this.remotes.delete(id);
    await remote.engine?.close();
    await this.save();
    this.changed(id);
  }

  private remote(id: string): Remote {
    if (id === LOCAL_HOST) throw badRequest('This machine is always a host; it cannot be changed.');
    const remote = this.remotes.get(id);
    if (!remote) throw notFound(`No host ${id}.`);
    return remote;
  }

  private connect(remote: Remote): void {
    const engine = Engine.ssh(
      { ...remote.target, privateKey: this.key.privateKey, fingerprint: remote.fingerprint },
      this.o.log.child({ host: remote.name }),
    );
    remote.engine = engine;
    engine.onState(() => this.changed(remote.id));
    void engine.start();
  }

  private async describe(r: Remote): Promise<Host> {
    const podman: PodmanHealth = r.engine
      ? await r.engine.health()
      : {
          reachable: false,
          socket: Engine.sshUrl(r.target),
          mode: 'ssh',
          version: null,
          apiVersion: null,
          arch: null,
          ociRuntime: null,
          cgroupVersion: null,
          rootless: null,
          adjustments: [],
          error: null,
        };
    return {
      id: r.id,
      name: r.name,
      kind: 'ssh',
      url: Engine.sshUrl(r.target),
      state: !r.confirmed
        ? 'unconfirmed'
        : podman.reachable
          ? 'up'
          : podman.error
            ? 'down'
            : 'connecting',
      arch: podman.arch,
      podman,
      hostKey: { fingerprint: r.fingerprint, confirmed: r.confirmed },
      error: podman.error,
    };
  }

  private changed(id: string): void {
    this.o.events.publish({ kind: 'host', action: 'changed', id });
  }

  private async save(): Promise<void> {
    const stored: StoredHost[] = [...this.remotes.values()].map(({ engine: _engine, ...h }) => h);
    await writeFileAtomic(this.file, JSON.stringify(stored, null, 2));
  }
}
