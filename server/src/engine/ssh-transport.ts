/**
 * A podman service on another machine, over SSH: one persistent ssh2 connection per host, and
 * for every HTTP connection to podman an OpenSSH stream-local channel to its API socket
 * (`direct-streamlocal@openssh.com`, as `podman --remote` does). Nothing runs on the remote
 * host but sshd and podman's own service; no local socket file stands in between.
 *
 * The host's key is pinned, never trusted on first use: until the user confirmed its
 * fingerprint the connection is refused, and a key that differs from the pinned one is refused
 * with a message saying so (podman and Podman Desktop accept unknown keys; we do not).
 */
import { createHash } from 'node:crypto';
import { Agent, request, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { Client, type ClientChannel } from 'ssh2';
import type { PodmanAdjustment, PodmanHealth } from '@archdeck/shared';
import type { Transport } from './transport.js';
import type { SshTarget } from './types.js';

const READY_TIMEOUT_MS = 15_000;
const KEEPALIVE_MS = 15_000;

export interface SshTransportOptions extends SshTarget {
  /** archdeck's private key (OpenSSH format). */
  privateKey: string;
  /** The fingerprint the user confirmed, `SHA256:…`; null refuses every key. */
  fingerprint: string | null;
}

/** A host key's fingerprint as `ssh-keygen -lf` prints it: SHA256, base64 without padding. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export const sshUrl = (t: SshTarget) => `ssh://${t.username}@${t.host}:${t.port}${t.socketPath}`;

/** The host key a server presents, read without logging in (the handshake stops there). */
export function readHostKey(target: SshTarget, privateKey: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | null = null;
    client.on('error', (err) => {
      client.end();
      if (seen) resolve(seen);
      else
        reject(new Error(`cannot reach ${target.host}:${target.port} over SSH: ${sshReason(err)}`));
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey,
      readyTimeout: READY_TIMEOUT_MS,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOf(key);
        return false;
      },
    });
  });
}

/** An ssh2 channel dressed as the net.Socket http.Agent expects (it has no socket options). */
function asSocket(channel: ClientChannel): Duplex {
  const s = channel as unknown as Duplex & Record<string, unknown>;
  for (const noop of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'])
    s[noop] = () => s;
  return s;
}

/** HTTP connections that are stream-local channels of one SSH connection. */
class StreamLocalAgent extends Agent {
  constructor(
    private readonly client: Client,
    private readonly socketPath: string,
    opts: AgentOptions,
  ) {
    super(opts);
  }

  override createConnection(
    _options: unknown,
    callback: (err: Error | null, socket?: Duplex) => void,
  ): undefined {
    this.client.openssh_forwardOutStreamLocal(this.socketPath, (err, channel) =>
      err
        ? callback(
            new Error(`the SSH host refused a channel to ${this.socketPath}: ${err.message}`),
          )
        : callback(null, asSocket(channel)),
    );
    return undefined;
  }
}

export class SshTransport implements Transport {
  readonly mode: PodmanHealth['mode'] = 'ssh';
  readonly adjustments: PodmanAdjustment[] = [];
  private client: Client | null = null;
  private agent: StreamLocalAgent | null = null;
  private lostListener: (err: Error) => void = () => undefined;

  constructor(private readonly o: SshTransportOptions) {}

  get where(): string {
    return sshUrl(this.o);
  }

  onLost(listener: (err: Error) => void): void {
    this.lostListener = listener;
  }

  async open(): Promise<Docker.DockerOptions> {
    await this.close();
    const client = await this.connect();
    this.client = client;
    this.agent = new StreamLocalAgent(client, this.o.socketPath, { keepAlive: true });
    await this.ping(READY_TIMEOUT_MS);
    // docker-modem hands `agent` to http.request (lib/modem.js); @types/dockerode omits it.
    return {
      host: 'localhost',
      port: 80,
      protocol: 'http',
      agent: this.agent,
    } as Docker.DockerOptions;
  }

  ping(timeoutMs: number): Promise<void> {
    const agent = this.agent;
    if (!agent) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const req = request(
        { host: 'localhost', path: '/_ping', agent, timeout: timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve()
              : reject(new Error(`podman at ${this.where} answered ${res.statusCode} to a ping`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.agent?.destroy();
    this.agent = null;
    client?.end();
  }

  private connect(): Promise<Client> {
    const { fingerprint } = this.o;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let presented: string | null = null;
      let ready = false;
      client.once('ready', () => {
        ready = true;
        resolve(client);
      });
      client.on('error', (err) => {
        if (ready) return;
        client.end();
        if (presented && presented !== fingerprint) {
          reject(
            new Error(
              fingerprint
                ? `the host key of ${this.o.host} has changed: it is ${presented}, not the ${fingerprint} you confirmed. Refused: if the host was reinstalled, remove it and add it again; otherwise someone may be in between`
                : `the host key of ${this.o.host} (${presented}) is not confirmed yet: confirm it on the Hosts page`,
            ),
          );
        } else {
          reject(new Error(`cannot log in to ${this.where}: ${err.message}`));
        }
      });
      client.on('close', () => {
        if (ready && this.client === client)
          this.lostListener(new Error(`the SSH connection to ${this.o.host} closed`));
      });
      client.connect({
        host: this.o.host,
        port: this.o.port,
        username: this.o.username,
        privateKey: this.o.privateKey,
        readyTimeout: READY_TIMEOUT_MS,
        keepaliveInterval: KEEPALIVE_MS,
        hostVerifier: (key: Buffer) => {
          presented = fingerprintOf(key);
          return fingerprint !== null && presented === fingerprint;
        },
      });
    });
  }
}

/** A connection error in words, with what to check: Node's codes mean nothing to a user. */
function sshReason(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'the name does not resolve to an address; check its spelling, or use its IP address';
  if (code === 'ECONNREFUSED')
    return 'nothing listens on that port; is sshd running there, and is the port right?';
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `${err.message}; a firewall may be in the way`;
  return err.message;
}
