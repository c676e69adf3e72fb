/**
 * Our one door to podman: an interface of our own methods over one connection (one instance per
 * podman service, so another host is another engine). Podman's quirks are repaired and its
 * errors mapped inside; what comes out is our own types (types.ts) and plain Node streams.
 * Nothing outside engine/ imports dockerode or the modules beside this file (lint-enforced).
 */
import type { Readable } from 'node:stream';
import type { ContainerAction, LogEnd, PodmanHealth } from '@archdeck/shared';
import type Docker from 'dockerode';
import type { FastifyBaseLogger } from 'fastify';
import { PodmanConnection } from './connection.js';
import { LocalTransport, type LocalOptions } from './local-transport.js';
import type { Transport } from './transport.js';
import { readHostKey, SshTransport, sshUrl, type SshTransportOptions } from './ssh-transport.js';
import {
  containerAction,
  createContainer,
  inspectContainer,
  listContainerIds,
  removeContainer,
  startCreated,
} from './containers.js';
import { attachOutputLines } from './container-attach.js';
import { buildImage, untagImage } from './builds.js';
import { EngineEvents, type ExitWatch } from './events.js';
import { checkTerminalTarget, openTerminal } from './exec.js';
import {
  inspectImage,
  inspectImageDetail,
  inspectImageManifest,
  listImageIds,
  pullStream,
  removeImage,
  tagImage,
} from './images.js';
import { inspectForLogs } from './logs/podman-logs.js';
import { createManifestList, pushManifestList, removeManifestList } from './manifests.js';
import { readHistory, TailRing } from './logs/sources.js';
import { streamLogs, type StreamLogsOptions } from './logs/stream.js';
import { ensureProbeImage, runProbe } from './probe-image.js';
import type {
  BuildEvent,
  CreateSpec,
  EngineBuildOptions,
  EngineContainer,
  EngineImage,
  EngineImageExtras,
  LogOutput,
  LogsTarget,
  ProbeImageSpec,
  ProbeRun,
  PushEvent,
  SshTarget,
  TerminalMode,
  TerminalProcess,
  TerminalSpec,
} from './types.js';

export type LocalEngineOptions = LocalOptions;

export class Engine {
  private readonly conn: PodmanConnection;
  /** podman's event stream (one subscription per engine) and the daemon's own events. */
  readonly events: EngineEvents;

  constructor(transport: Transport, log: FastifyBaseLogger) {
    this.conn = new PodmanConnection(transport, log);
    this.events = new EngineEvents(this.conn, log.child({ module: 'events' }));
  }

  /** The podman service on this machine (found, or started as a managed service). */
  static local(opts: LocalEngineOptions): Engine {
    return new Engine(new LocalTransport(opts), opts.log);
  }

  /** Another machine's podman, over SSH with a pinned host key. */
  static ssh(opts: SshTransportOptions, log: FastifyBaseLogger): Engine {
    return new Engine(new SshTransport(opts), log);
  }

  /** The key an SSH host presents (`SHA256:…`), read without logging in: to be confirmed. */
  static readSshHostKey(target: SshTarget, privateKey: string): Promise<string> {
    return readHostKey(target, privateKey);
  }

  static sshUrl(target: SshTarget): string {
    return sshUrl(target);
  }

  // --- the connection --------------------------------------------------------------------

  get reachable(): boolean {
    return this.conn.reachable;
  }

  /** Connects once; on failure the daemon keeps running and retries in the background. */
  start(): Promise<void> {
    return this.conn.start();
  }

  async close(): Promise<void> {
    this.events.close();
    await this.conn.close();
  }

  /** What is known of podman, without asking it (see connection.ts). */
  health(): Promise<PodmanHealth> {
    return this.conn.health();
  }

  /** Whether podman still answers; when not, the connection is marked lost. */
  check(): Promise<boolean> {
    return this.conn.check();
  }

  /** Whether podman answers now, or comes back within `timeoutMs`. */
  back(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return this.conn.back(timeoutMs, signal);
  }

  /** Told true after every (re)connect and false when the connection is lost. */
  onState(listener: (reachable: boolean) => void): () => void {
    return this.conn.onState(listener);
  }

  /** Throws the 503 that says how to get podman back, while it is not reachable. */
  ensureReachable(): void {
    this.conn.client();
  }

  /** Resolves once a connection attempt in flight has ended. */
  settled(): Promise<void> {
    return this.conn.settled();
  }

  /** Until podman answered the connection attempt in flight, that answer; else null. */
  pendingReach(): Promise<boolean> | null {
    return this.conn.pendingReach;
  }

  /** Where podman keeps images, when it said. */
  get graphRoot(): string | null {
    return this.conn.graphRoot;
  }

  // --- images ----------------------------------------------------------------------------

  /** Ids and tags of the user's images (the daemon's probe images left out). */
  listImages(): Promise<Array<{ id: string; repoTags: string[] }>> {
    return listImageIds(this.conn.client());
  }

  inspectImage(id: string): Promise<EngineImage> {
    return inspectImage(this.conn.client(), id);
  }

  /** The inspect plus what only the detail view shows (history, stored manifests). */
  async inspectImageDetail(id: string): Promise<EngineImage & EngineImageExtras> {
    return inspectImageDetail(this.conn.client(), await this.conn.storeRoot(), id);
  }

  removeImage(id: string): Promise<void> {
    return removeImage(this.conn.client(), id);
  }

  tagImage(id: string, repo: string, tag: string): Promise<void> {
    return tagImage(this.conn.client(), id, repo, tag);
  }

  /** podman's pull progress, as its JSON lines; aborting the signal stops the pull. */
  pull(fromImage: string, tag: string, platform: string, signal: AbortSignal): Promise<Readable> {
    return pullStream(this.conn.client(), fromImage, tag, platform, signal);
  }

  // --- builds and manifest lists ---------------------------------------------------------

  // The promise-returning ones are async: with podman gone they reject (a `.catch` hears it)
  // rather than throw before there is a promise.

  /** Takes one tag (`repo[:tag]`) off an image, leaving its other tags. */
  async untagImage(id: string, tag: string): Promise<void> {
    return untagImage(this.conn.libpod(), id, tag);
  }

  /** The inspect and the digest of the image's own manifest (what a list made of it names). */
  async inspectImageManifest(id: string): Promise<EngineImage & { manifestDigest: string | null }> {
    return inspectImageManifest(this.conn.client(), await this.conn.storeRoot(), id);
  }

  /**
   * One build for one platform, its events in order (builds.ts); aborting the signal cancels
   * it. A refusal before the build starts throws.
   */
  async *build(
    context: Readable,
    opts: EngineBuildOptions,
    signal: AbortSignal,
  ): AsyncGenerator<BuildEvent> {
    let docker;
    try {
      docker = this.conn.client();
    } catch (err) {
      context.destroy();
      throw err;
    }
    yield* buildImage(docker, context, opts, signal);
  }

  /** Creates a manifest list of local images; its id. */
  async createManifestList(name: string, imageIds: string[]): Promise<string> {
    return createManifestList(this.conn.libpod(), name, imageIds);
  }

  /** Pushes a list and all its images to `destination`; aborting the signal cancels it. */
  pushManifestList(
    name: string,
    destination: string,
    signal: AbortSignal,
  ): AsyncGenerator<PushEvent> {
    return pushManifestList(this.conn.libpod(), name, destination, signal);
  }

  /** Removes a list (not its images); false when there was none of that name. */
  async removeManifestList(name: string): Promise<boolean> {
    return removeManifestList(this.conn.libpod(), name);
  }

  // --- containers ------------------------------------------------------------------------

  /** Ids of the user's containers (the daemon's probe containers left out). */
  listContainers(): Promise<string[]> {
    return listContainerIds(this.conn.client());
  }

  inspectContainer(id: string): Promise<EngineContainer> {
    return inspectContainer(this.conn.client(), id);
  }

  /** Creates (does not start) a container from our own fields only; returns its id. */
  createContainer(spec: CreateSpec): Promise<string> {
    return createContainer(this.conn.client(), spec);
  }

  /** Starts a container just created; failing, says so (the container is left). */
  startCreated(id: string): Promise<void> {
    return startCreated(this.conn.client(), id);
  }

  containerAction(id: string, action: ContainerAction, timeout?: number): Promise<void> {
    return containerAction(this.conn.client(), id, action, timeout);
  }

  removeContainer(id: string): Promise<void> {
    return removeContainer(this.conn.client(), id);
  }

  /** A created container's output as lines (object mode, LogLine[]), from before it starts. */
  attachOutput(id: string, tty: boolean): Promise<Readable> {
    return attachOutputLines(this.conn.client(), id, tty);
  }

  // --- logs ------------------------------------------------------------------------------

  /** Starts listening for containers' deaths: start it before the inspect. */
  exitWatch(): ExitWatch {
    return this.events.exitWatch();
  }

  /** What a log stream needs to know of a container (one inspect). */
  inspectForLogs(id: string, signal?: AbortSignal): Promise<LogsTarget> {
    return inspectForLogs(this.conn.client(), id, signal);
  }

  /**
   * A container's log into `out`, from the best source there is (logs/stream.ts). Podman may be
   * away as it starts, e.g. when its going ended the launch output this stream began with: the
   * log file goes on (conmon writes it), so the stream waits for podman as `podmanBack` allows.
   */
  async streamLogs(id: string, opts: StreamLogsOptions, out: LogOutput): Promise<LogEnd> {
    for (;;) {
      let docker: Docker;
      try {
        docker = this.conn.client();
      } catch (err) {
        if (!(await opts.podmanBack())) throw err;
        continue;
      }
      return streamLogs(docker, id, opts, out);
    }
  }

  /** The last `count` lines of a container's log (for a diagnosis), within `signal`. */
  async lastLines(c: EngineContainer, count: number, signal: AbortSignal): Promise<string[]> {
    const ring = new TailRing(count);
    const source = {
      docker: this.conn.client(),
      id: c.id,
      tty: c.tty,
      autoRemove: c.autoRemove,
      logFile: c.logFile,
      since: undefined,
      timestamps: false,
      signal,
    };
    // A cut or malformed log still leaves the lines read so far to judge by.
    await readHistory(source, ring).catch(() => undefined);
    return ring.take().map((l) => l.t);
  }

  // --- terminals -------------------------------------------------------------------------

  /** The container's full id, when a terminal of that mode can be opened in it. */
  checkTerminalTarget(id: string, mode: TerminalMode): Promise<string> {
    return checkTerminalTarget(this.conn.client(), id, mode);
  }

  openTerminal(spec: TerminalSpec): Promise<TerminalProcess> {
    return openTerminal(this.conn.client(), spec);
  }

  // --- the smoke-test probe --------------------------------------------------------------

  ensureProbeImage(spec: ProbeImageSpec): Promise<{ id: string; built: boolean }> {
    return ensureProbeImage(this.conn.client(), spec);
  }

  runProbe(
    image: { id: string; tag: string; platform: string },
    timeoutMs: number,
  ): Promise<ProbeRun> {
    return runProbe(this.conn.client(), image, timeoutMs);
  }
}
