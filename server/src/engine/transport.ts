/**
 * How a connection reaches its podman service: a local socket (found, or a service archdeck
 * starts itself: local-transport.ts) or an SSH host (ssh-transport.ts). The connection above
 * it is the same for both: reconnects, health, the clients.
 */
import type Docker from 'dockerode';
import type { PodmanAdjustment, PodmanHealth } from '@archdeck/shared';

export interface Transport {
  /** Where the service is (a socket path, an ssh:// URL), for health and messages. */
  readonly where: string;
  readonly mode: PodmanHealth['mode'];
  /** What was changed from podman's defaults to make it work here, and why. */
  readonly adjustments: PodmanAdjustment[];
  /** Finds, starts or dials the service; the clients' options, or an error that says why not. */
  open(): Promise<Docker.DockerOptions>;
  /** A cheap "are you there" within a deadline; throws when not. */
  ping(timeoutMs: number): Promise<void>;
  /** Told when the transport itself sees the service go (a managed service exits, SSH drops). */
  onLost(listener: (err: Error) => void): void;
  close(): Promise<void>;
}
