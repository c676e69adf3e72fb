/**
 * Running images as a chosen platform, and the container list with how each is executed
 * (natively or through which emulator).
 */
import {
  archSuffix,
  DEFAULT_STOP_TIMEOUT,
  type ContainerAction,
  type ContainerState,
  type ContainerSummary,
  type LaunchJob,
  type RunBadge,
  type RunRequest,
  type StopOutcome,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import { CPU_LABEL, PLATFORM_LABEL } from '../engine/labels.js';
import type { EngineContainer } from '../engine/types.js';
import type { EmulatorsService } from '../emulators/emulators.js';
import type { CpuModelsService } from '../emulators/cpu-check.js';
import { cpuModelTitle } from '../emulators/cpu-models.js';
import { archForPlatform } from '../emulators/platforms.js';
import type { ImagesService } from '../images/images.js';
import { normalizePlatform, type PullManager } from '../images/pulls.js';
import { AppError, badRequest } from '../lib/errors.js';
import { diagnose, stopDiagnosis } from './diagnosis.js';
import type { LaunchOutputs } from './launch-output.js';
import type { Launches, StartImage } from './launches.js';
import { openLogStream, type LogStream, type LogStreamOptions } from './logs.js';

/** The longest a container's inspect is reused for the list, events or not. */
const INSPECT_TTL_MS = 30_000;
/** How many of the last log lines the diagnosis looks at. */
const DIAGNOSIS_LINES = 50;
/** Exit code of a process ended by SIGKILL (128 + 9). */
const SIGKILL_EXIT = 137;

/** A run's answer: the started container (201), or the launch that pulls its image first (202). */
export type RunOutcome = { container: ContainerSummary } | { launch: LaunchJob };

const STATES = new Set<ContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'stopping',
  'removing',
]);

export class ContainersService {
  constructor(
    private readonly engine: Engine,
    private readonly images: ImagesService,
    private readonly pulls: PullManager,
    private readonly emulators: EmulatorsService,
    readonly outputs: LaunchOutputs,
    readonly launches: Launches,
    events: EngineEvents,
    private readonly cpuModels: CpuModelsService,
  ) {
    // The list is inspected once per container, then again when podman reports a change to
    // it (or our own actions make one, before podman's event arrives), and at least every
    // INSPECT_TTL_MS should an event be missed.
    this.unsubscribe = events.subscribe((e) => {
      if (e.kind === 'container') this.forget(e.id);
      else if (e.kind === 'resync') this.forget(null);
    });
  }

  private readonly unsubscribe: () => void;
  private readonly inspected = new Map<string, { at: number; container: EngineContainer }>();
  /** Counts changes, so an inspect that raced one is not cached. */
  private epoch = 0;
  /**
   * How our stops ended, by full id, with the run each ended (its start time): podman does not
   * record why a container exited, so only the daemon that asked for the stop can tell.
   */
  private readonly stops = new Map<string, StopOutcome & { startedAt: string }>();

  async list(): Promise<ContainerSummary[]> {
    const [ids, badge] = await Promise.all([
      this.engine.listContainers(),
      this.emulators.runBadges(),
    ]);
    const live = new Set(ids);
    for (const id of this.inspected.keys()) if (!live.has(id)) this.inspected.delete(id);
    for (const id of this.stops.keys()) if (!live.has(id)) this.stops.delete(id);
    const all = await Promise.all(ids.map((id) => this.inspectCached(id).catch(() => null)));
    return Promise.all(
      all.filter((c): c is EngineContainer => c !== null).map((c) => this.summary(c, badge)),
    );
  }

  /**
   * A container's inspect, from the cache unless an event since said it changed. An inspect
   * that was under way when an event came is not kept: it may predate the change.
   */
  private async inspectCached(id: string): Promise<EngineContainer> {
    const cached = this.inspected.get(id);
    if (cached && Date.now() - cached.at < INSPECT_TTL_MS) return cached.container;
    const epoch = this.epoch;
    const at = Date.now();
    const container = await this.engine.inspectContainer(id);
    if (epoch === this.epoch) this.inspected.set(id, { at, container });
    return container;
  }

  close(): void {
    this.unsubscribe();
    this.outputs.close();
  }

  /** Forgets what may have changed: one container (by full id), or all of them. */
  private forget(id: string | null): void {
    this.epoch++;
    if (id && /^[0-9a-f]{64}$/.test(id)) this.inspected.delete(id);
    else this.inspected.clear();
  }

  async get(id: string): Promise<ContainerSummary> {
    const [c, badge] = await Promise.all([
      this.engine.inspectContainer(id),
      this.emulators.runBadges(),
    ]);
    const summary = await this.summary(c, badge);
    // An exit we asked for is no failure; a kill at the stop timeout is explained as such.
    if (summary.stop) summary.diagnosis = stopDiagnosis(summary.stop, c.tty);
    else if (summary.state === 'exited' && summary.exitCode !== null && summary.exitCode !== 0) {
      summary.diagnosis = await this.diagnosis(c, summary);
    }
    return summary;
  }

  private async diagnosis(
    c: EngineContainer,
    s: ContainerSummary,
  ): Promise<ContainerSummary['diagnosis']> {
    const [lastLines, imagePlatform, emulators, binfmt] = await Promise.all([
      this.lastLines(c),
      this.images.platformOf(c.imageId).catch(() => s.platform),
      this.emulators.read(),
      this.emulators.health(),
    ]);
    const handlersWithoutF = emulators.entries
      .filter((e) => e.platform === imagePlatform && e.enabled && !e.flags.includes('F'))
      .map((e) => e.name);
    return diagnose({
      exitCode: s.exitCode,
      lastLines,
      imagePlatform,
      requestedPlatform: c.labels[PLATFORM_LABEL] ?? null,
      badge: s.badge,
      handlersWithoutF,
      binfmt,
      cpu: c.labels[CPU_LABEL] ?? null,
    });
  }

  /** The last lines of a stopped container's log. */
  private lastLines(c: EngineContainer): Promise<string[]> {
    return this.engine.lastLines(c, DIAGNOSIS_LINES, AbortSignal.timeout(10_000));
  }

  /**
   * Runs an image as a platform: at once when the image is local (the container), else as a
   * launch job that pulls it first (see launches.ts). What the request gets wrong is a 400
   * before anything is pulled.
   */
  async run(req: RunRequest): Promise<RunOutcome> {
    const platform = normalizePlatform(req.platform);
    // One way to choose the emulated CPU: a QEMU_CPU of the user's would skip the check.
    if (req.env?.some((v) => v.startsWith('QEMU_CPU='))) {
      throw badRequest(
        'Choose the emulated CPU model with cpu (CPU model in the Run dialog), not QEMU_CPU in the environment: cpu is checked against the installed qemu, set only for an emulated platform and shown on the container’s page.',
      );
    }
    const cpu = req.cpu === undefined ? null : await this.cpuModels.choose(platform, req.cpu);
    const startImage: StartImage = (imageId, created, signal) =>
      this.startImage(req, platform, cpu?.value, imageId, created, signal);
    const local = await this.pulls.local(req.image, platform);
    if (local?.imageId) return { container: await startImage(local.imageId, () => undefined) };
    return { launch: await this.launches.start(req, platform, startImage) };
  }

  /** Checks the image's architecture, then creates and starts its container. */
  private async startImage(
    req: RunRequest,
    platform: string,
    cpu: string | undefined,
    imageId: string,
    created: (id: string) => void,
    signal?: AbortSignal,
  ): Promise<ContainerSummary> {
    const actual = await this.images.platformOf(imageId);
    if (archSuffix(actual) !== archSuffix(platform)) {
      throw new AppError(
        409,
        'wrong_arch',
        `${req.image} for ${platform} resolved to an image whose config says ${actual}; refusing to run it as ${platform}.`,
      );
    }
    const tty = req.tty ?? false;
    signal?.throwIfAborted();
    const id = await this.engine.createContainer({
      imageId,
      imageRef: req.image,
      platform,
      cmd: req.cmd,
      env: req.env,
      cpu,
      name: req.name,
      tty,
      autoRemove: req.autoRemove ?? false,
    });
    if (signal?.aborted) {
      // Cancelled while it was being created: it never runs.
      await this.engine.removeContainer(id).catch(() => undefined);
      signal.throwIfAborted();
    }
    created(id);
    // Its output is read from before the start, so the first line shows as it is written.
    await this.outputs.attach(id, tty);
    try {
      await this.engine.startCreated(id);
    } catch (err) {
      this.outputs.detach(id);
      throw err;
    }
    // An auto-removed container may already be gone; the list and events tell the rest.
    return this.get(id).catch(() => this.placeholder(id, req, platform, imageId));
  }

  /** A container's log, ready to stream (see logs.ts); a 404 for an unknown container. */
  openLogs(id: string, opts: LogStreamOptions, signal: AbortSignal): Promise<LogStream> {
    return openLogStream(this.engine, this.outputs, id, opts, signal);
  }

  async action(id: string, action: ContainerAction, timeout?: number): Promise<void> {
    if (action === 'stop') return this.stop(id, timeout ?? DEFAULT_STOP_TIMEOUT);
    if (timeout !== undefined) {
      throw badRequest(
        `Only a stop takes a timeout (the seconds from SIGTERM to SIGKILL): leave it out of ${action}.`,
      );
    }
    try {
      await this.engine.containerAction(id, action);
    } finally {
      this.forget(id);
    }
  }

  /**
   * Stops a container and notes how: podman sends SIGTERM, then SIGKILL once `timeout` seconds
   * have passed. Exit code 137 with the whole timeout gone is that SIGKILL; 137 sooner is some
   * other kill (the Kill button meanwhile), which is not ours to explain.
   */
  private async stop(id: string, timeout: number): Promise<void> {
    const before = await this.engine.inspectContainer(id);
    const asked = Date.now();
    try {
      await this.engine.containerAction(before.id, 'stop', timeout);
    } finally {
      this.forget(before.id);
    }
    const waited = Date.now() - asked;
    const after = await this.engine.inspectContainer(before.id).catch(() => null);
    // Gone (auto-removed), not stopped by us (it was not running), or started again since.
    if (!after || before.state !== 'running' || after.startedAt !== before.startedAt) return;
    if (after.state !== 'exited' && after.state !== 'stopped') return;
    const killed = after.exitCode === SIGKILL_EXIT;
    if (killed && waited < timeout * 1000) return;
    this.stops.set(before.id, { startedAt: before.startedAt, timeout, killed });
  }

  async remove(id: string): Promise<void> {
    try {
      await this.engine.removeContainer(id);
    } finally {
      this.forget(id);
    }
  }

  /** How our stop ended the container's last run, when that is how it ended. */
  private stopOf(c: EngineContainer, state: ContainerState): StopOutcome | null {
    const stop = this.stops.get(c.id);
    if (!stop || state !== 'exited' || stop.startedAt !== c.startedAt) return null;
    return { timeout: stop.timeout, killed: stop.killed };
  }

  private async summary(
    c: EngineContainer,
    badge: (platform: string) => RunBadge,
  ): Promise<ContainerSummary> {
    const platform =
      c.labels[PLATFORM_LABEL] ?? (await this.images.platformOf(c.imageId).catch(() => 'unknown'));
    const state: ContainerState = STATES.has(c.state as ContainerState)
      ? (c.state as ContainerState)
      : c.state === 'stopped'
        ? 'exited'
        : 'unknown';
    return {
      id: c.id,
      shortId: c.id.slice(0, 12),
      name: c.name,
      image: c.image,
      imageId: c.imageId,
      platform,
      badge: badge(platform),
      cpu: cpuOf(c.labels[CPU_LABEL], platform),
      state,
      status: c.status,
      exitCode: c.exitCode,
      created: c.created,
      tty: c.tty,
      command: c.command,
      stop: this.stopOf(c, state),
      diagnosis: null,
    };
  }

  private placeholder(
    id: string,
    req: RunRequest,
    platform: string,
    imageId: string,
  ): ContainerSummary {
    return {
      id,
      shortId: id.slice(0, 12),
      name: req.name ?? id.slice(0, 12),
      image: req.image,
      imageId,
      platform,
      badge: { run: 'unavailable', emulatedBy: null },
      cpu: cpuOf(req.cpu, platform),
      state: 'exited',
      status: 'Removed after it exited',
      exitCode: null,
      created: new Date().toISOString(),
      tty: req.tty ?? false,
      command: req.cmd ?? [],
      stop: null,
      diagnosis: null,
    };
  }
}

/** The CPU model a container was run with, named as the table names it. */
function cpuOf(value: string | undefined, platform: string): ContainerSummary['cpu'] {
  if (!value) return null;
  return { value, title: cpuModelTitle(archForPlatform(platform)?.qemuArch ?? null, value) };
}
