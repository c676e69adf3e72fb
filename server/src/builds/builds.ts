/**
 * Builds are daemon jobs (jobs/jobs.ts): a closed tab neither cancels nor loses them, and a
 * daemon restart lists them as interrupted. A build for several platforms is one podman build
 * per platform, run side by side, each tagged with its arch tag (`<tag>-<arch>[-<variant>]`):
 * without podman's `manifest=` every platform would write the same tag and leave the others
 * untagged, and with it podman 4.3 keeps a local list that breaks image listing (see
 * engine/manifests.ts). The plain `<tag>` goes on a single platform's image only.
 *
 * Outcomes are honest: podman reports a failure inside its 200 stream, and a stream that ends
 * without the image id is `interrupted`, never `succeeded`. The image's architecture is checked
 * against the platform asked for before it counts.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import {
  archSuffix,
  formatPlatform,
  type BuildJob,
  type BuildOutput,
  type BuildPlatform,
  type BuildPlatformPlan,
  type BuildQuery,
  type JobState,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EmulatorsService } from '../emulators/emulators.js';
import { AppError, badRequest } from '../lib/errors.js';
import { normaliseTarName } from '../lib/tar-scan.js';
import type { Job, JobFields, Jobs } from '../jobs/jobs.js';
import { archTagFor } from '../images/arch-tag.js';
import type { ImagesService } from '../images/images.js';
import { normalizePlatform } from '../images/pulls.js';
import { parseRef } from '../images/reference.js';
import { formatReference } from '../images/reference.js';
import { readContainerfile } from './containerfile.js';
import { receiveContext } from './context.js';
import { planAll, planPlatform } from './plan.js';

/** The largest build context accepted: it is written to the data dir while it arrives. */
export const CONTEXT_LIMIT = 512 * 1024 * 1024;
/** Output lines kept per platform for a client that connects late. */
const KEEP_LINES = 5000;
const MAX_LINE = 8192;
const MAX_PLATFORMS = 8;
const EMIT_INTERVAL_MS = 100;

/**
 * HACK: buildah 1.28's layer cache ignores the platform: a step whose parent is the same image
 * for two platforms (FROM scratch above all) is taken from the cache of the other platform, and
 * the build hands back that platform's image (https://github.com/containers/podman/issues/18723,
 * fixed in buildah 1.41 by containers/buildah#6269). A multi-arch base gives each platform a
 * parent of its own, so only FROM scratch turns the cache off; the architecture check after
 * each build catches what is left (a single-arch base, containers/buildah#4742).
 */
const CACHE_OFF_SCRATCH =
  'The layer cache is off for this build: a stage starts FROM scratch, and podman 4.3 (buildah 1.28) would reuse layers built FROM scratch for another platform, handing back that platform’s image.';

class PlatformBuild {
  state: JobState = 'running';
  step: string | null = null;
  imageId: string | null = null;
  error: string | null = null;
  readonly lines: string[] = [];
  dropped = 0;
  total = 0;
  /** An unfinished last line, waiting for the rest. */
  partial = '';

  constructor(
    readonly plan: BuildPlatformPlan,
    readonly tags: string[],
  ) {}

  view(jobState: JobState): BuildPlatform {
    return {
      platform: this.plan.platform,
      // A job that ended (cancelled, the daemon stopping) ends its platforms that still ran.
      state: this.state === 'running' && jobState !== 'running' ? jobState : this.state,
      run: this.plan.run,
      emulatedBy: this.plan.emulatedBy,
      tags: this.tags,
      step: this.step,
      lines: this.total,
      imageId: this.imageId,
      error: this.error,
    };
  }
}

type OutputListener = (output: BuildOutput) => void;

class Build {
  job!: Job<BuildJob>;
  readonly outputListeners = new Set<OutputListener>();
  private readonly pending = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly request: Pick<BuildJob, 'tag' | 'file' | 'target' | 'pull' | 'noCache' | 'cacheOff'>,
    readonly platforms: PlatformBuild[],
    readonly contextPath: string,
  ) {}

  view(fields: JobFields): BuildJob {
    return {
      ...fields,
      ...this.request,
      platforms: this.platforms.map((p) => p.view(fields.state)),
    };
  }

  /** podman's text for a platform: whole lines are kept and sent, a partial one waits. */
  append(p: PlatformBuild, text: string): void {
    const parts = (p.partial + text).split('\n');
    p.partial = parts.pop() ?? '';
    for (const line of parts) this.line(p, line);
  }

  /** The platform's stream ended: a last line without its newline is a line too. */
  endOutput(p: PlatformBuild): void {
    if (p.partial) this.line(p, p.partial);
    p.partial = '';
  }

  /** A line of our own in a platform's output (what archdeck decided, and why). */
  note(p: PlatformBuild, text: string): void {
    this.line(p, `archdeck: ${text}`);
  }

  /** Sends what is pending now (before the job's final event, so nothing comes after it). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [platform, lines] of this.pending) {
      const p = this.platforms.find((each) => each.plan.platform === platform)!;
      const output = { platform, from: p.total - lines.length, lines };
      for (const listener of this.outputListeners) listener(output);
    }
    this.pending.clear();
  }

  private line(p: PlatformBuild, raw: string): void {
    const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
    if (/^STEP \d+\/\d+: /.test(line)) p.step = line;
    p.total++;
    p.lines.push(line);
    if (p.lines.length > KEEP_LINES) {
      p.lines.shift();
      p.dropped++;
    }
    const pending = this.pending.get(p.plan.platform) ?? [];
    pending.push(line);
    this.pending.set(p.plan.platform, pending);
    this.timer ??= setTimeout(() => this.flush(), EMIT_INTERVAL_MS);
    this.job.changed();
  }
}

/** `app:1` → `localhost/app:1`: podman names a local build's image so, not docker.io/library. */
export function buildReference(input: string): string {
  const name = input.trim();
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry =
    slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const ref = parseRef(hasRegistry ? name : `localhost/${name}`);
  if (ref.digest) throw badRequest('A build is named with a tag, not a digest: write name:tag.');
  return formatReference(ref);
}

function parseBuildArgs(text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('buildArgs is not JSON: send an object of strings, e.g. {"VERSION":"1.2"}.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('buildArgs must be a JSON object of strings, e.g. {"VERSION":"1.2"}.');
  const args: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw badRequest(`Build argument "${key}" is not a valid name (letters, digits, _).`);
    if (typeof v !== 'string' || v.includes('\0'))
      throw badRequest(`Build argument ${key} must be a string without NUL bytes.`);
    args[key] = v;
  }
  return args;
}

/** podman's failure, with what it means when the cause is outside podman. */
function explain(platform: PlatformBuild, message: string): string {
  if (/exec format error/i.test(message)) {
    return `${message}. No emulator ran ${platform.plan.platform}’s binaries inside the build: register one with the F flag on the Emulators page.`;
  }
  if (/no space left on device/i.test(message)) {
    return `${message}. The disk that holds podman’s storage is full: free space (podman image prune), then retry.`;
  }
  return message;
}

export class BuildManager {
  private readonly builds = new WeakMap<Job<BuildJob>, Build>();

  constructor(
    private readonly engine: Engine,
    private readonly emulators: EmulatorsService,
    private readonly images: ImagesService,
    readonly jobs: Jobs<BuildJob>,
    private readonly log: FastifyBaseLogger,
    /** Where contexts are kept while their builds run (`<data-dir>/builds`). */
    private readonly dir: string,
  ) {}

  /** Contexts a daemon that was killed left behind. */
  async sweep(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => n.endsWith('.tar')).map((n) => rm(join(this.dir, n), { force: true })),
    );
  }

  /** What building for each platform would do on this host now. */
  async plans(): Promise<BuildPlatformPlan[]> {
    return planAll(await this.emulators.read());
  }

  /**
   * Receives the context, checks it and the platforms, and starts the job. Everything that
   * can be refused is refused (400, 413, 415) before the job exists.
   */
  async start(query: BuildQuery, body: Readable): Promise<BuildJob> {
    const tag = buildReference(query.tag);
    const platforms = [...new Set(query.platforms.split(',').map(normalizePlatform))];
    if (platforms.length > MAX_PLATFORMS)
      throw badRequest(`Build for at most ${MAX_PLATFORMS} platforms at once.`);
    const buildArgs = parseBuildArgs(query.buildArgs);
    const asked = query.file === undefined ? null : normaliseTarName(query.file);
    if (asked !== null && (asked === '' || asked.split('/').includes('..')))
      throw badRequest(`file=${query.file} must be a path inside the build context.`);
    this.engine.ensureReachable();

    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const context = await receiveContext(
      body,
      join(this.dir, `${randomBytes(8).toString('hex')}.tar`),
      {
        limit: CONTEXT_LIMIT,
        keep: asked ? [asked] : ['Containerfile', 'Dockerfile'],
      },
    );
    try {
      const file = (asked ? [asked] : ['Containerfile', 'Dockerfile']).find((n) =>
        context.names.has(n),
      );
      if (!file) {
        throw badRequest(
          asked
            ? `The build context has no file ${asked}: the path is relative to the context's top folder.`
            : 'The build context has no Containerfile or Dockerfile at its top: add one, or name yours with file=<path>.',
        );
      }
      const facts = readContainerfile(context.files.get(file) ?? '', buildArgs);
      const emulators = await this.emulators.read();
      const plans = platforms.map((p) => planPlatform(emulators, p));
      const pinned = facts.pinnedRunPlatforms.flatMap((p) => {
        try {
          return [planPlatform(emulators, normalizePlatform(p))];
        } catch {
          return [];
        }
      });
      const blocked = [...(facts.targetRuns > 0 ? plans : []), ...pinned].filter(
        (p) => p.run === 'unavailable',
      );
      if (blocked.length > 0) {
        throw new AppError(
          400,
          'platform_unavailable',
          `Cannot build for ${blocked.map((p) => p.platform).join(', ')}: ${blocked.map((p) => p.reason).join(' ')}`,
          { platforms: [...plans, ...pinned] },
        );
      }
      const cacheOff = !query.noCache && facts.fromScratch ? CACHE_OFF_SCRATCH : null;
      const ref = parseRef(tag);
      const build = new Build(
        {
          tag,
          file,
          target: query.target ?? null,
          pull: query.pull ?? 'missing',
          noCache: query.noCache === true,
          cacheOff,
        },
        plans.map((plan) => {
          const archTag = archTagFor(ref, plan.platform)!.full;
          return new PlatformBuild(plan, platforms.length === 1 ? [tag, archTag] : [archTag]);
        }),
        context.path,
      );
      const job = this.jobs.add((fields) => build.view(fields));
      build.job = job;
      this.builds.set(job, build);
      for (const p of build.platforms) {
        if (facts.targetRuns === 0 && p.plan.run === 'unavailable')
          build.note(p, `no RUN step runs as ${p.plan.platform}, so it needs no emulator.`);
        if (cacheOff) build.note(p, cacheOff);
      }
      void this.run(build, buildArgs);
      return job.snapshot();
    } catch (err) {
      await rm(context.path, { force: true });
      throw err;
    }
  }

  /**
   * Follows a build: its state now, the output kept so far, then both live until it ends.
   * Returns the unsubscribe.
   */
  follow(
    id: string,
    handlers: { job: (job: BuildJob, final: boolean) => void; output: OutputListener },
  ): () => void {
    const job = this.jobs.get(id);
    handlers.job(job.snapshot(), false);
    const build = this.builds.get(job);
    if (build) {
      for (const p of build.platforms) {
        if (p.total > 0)
          handlers.output({ platform: p.plan.platform, from: p.dropped, lines: [...p.lines] });
      }
      if (job.running) build.outputListeners.add(handlers.output);
    }
    const unsubscribe = this.jobs.subscribe(id, handlers.job);
    return () => {
      unsubscribe();
      build?.outputListeners.delete(handlers.output);
    };
  }

  cancel(id: string): void {
    const job = this.jobs.get(id);
    this.builds.get(job)?.flush();
    this.jobs.cancel(id);
  }

  private async run(build: Build, buildArgs: Record<string, string>): Promise<void> {
    const { job } = build;
    try {
      await Promise.all(
        build.platforms.map((p) =>
          this.runPlatform(build, p, buildArgs).catch((err: unknown) => {
            if (!job.running) return;
            this.log.warn({ err, platform: p.plan.platform }, 'build failed');
            p.state = 'failed';
            p.error =
              err instanceof AppError ? err.message : `The build failed: ${(err as Error).message}`;
          }),
        ),
      );
    } finally {
      await rm(build.contextPath, { force: true });
    }
    build.flush();
    if (!job.running) return;
    const failed = build.platforms.filter((p) => p.state === 'failed');
    const cut = build.platforms.filter((p) => p.state === 'interrupted');
    const summary = (ps: PlatformBuild[]) =>
      ps.map((p) => `${p.plan.platform}: ${p.error}`).join('\n');
    if (failed.length > 0) job.finish('failed', summary(failed));
    else if (cut.length > 0) job.finish('interrupted', summary(cut));
    else job.finish('succeeded');
  }

  private async runPlatform(
    build: Build,
    p: PlatformBuild,
    buildArgs: Record<string, string>,
  ): Promise<void> {
    const { job } = build;
    let built: string | null = null;
    let failure: string | null = null;
    let cut: string | null = null;
    const events = this.engine.build(
      createReadStream(build.contextPath),
      {
        tags: p.tags,
        platform: p.plan.platform,
        dockerfile: build.request.file,
        buildArgs,
        target: build.request.target,
        pullAlways: build.request.pull === 'always',
        noCache: build.request.noCache || build.request.cacheOff !== null,
      },
      job.signal,
    );
    for await (const event of events) {
      if (event.kind === 'output') build.append(p, event.text);
      else if (event.kind === 'failed') {
        failure = event.message;
        // Where podman's CLI prints it: the last line of the output.
        build.append(p, `Error: ${event.message}\n`);
      } else if (event.kind === 'built') built = event.imageId;
      else cut = event.message;
    }
    build.endOutput(p);
    // Cancelled, or the daemon stopping: the job's state says which, for every platform.
    if (!job.running) return;
    if (failure !== null) {
      p.state = 'failed';
      p.error = explain(p, failure);
    } else if (built === null || cut !== null) {
      p.state = 'interrupted';
      p.error = (await this.engine.check())
        ? "The build stream ended without podman's image id; the build may not have finished: retry it."
        : 'podman stopped during the build: retry it once podman is back (the Host page shows it).';
    } else {
      await this.verify(build, p, built);
    }
    job.changed();
  }

  /** The image is the platform's: its config says so. Else our tags come off it again. */
  private async verify(build: Build, p: PlatformBuild, imageId: string): Promise<void> {
    const image = await this.engine.inspectImage(imageId);
    const actual = formatPlatform({
      os: image.os,
      arch: image.architecture,
      variant: image.variant,
    });
    if (archSuffix(actual) !== archSuffix(p.plan.platform)) {
      for (const tag of p.tags) {
        await this.engine.untagImage(imageId, tag).catch(() => undefined);
      }
      p.state = 'failed';
      p.error = `podman handed back an image for ${actual}, not ${p.plan.platform}, so it was not tagged. podman 4.3 can take a base image or cached layers of another platform (buildah#4742, podman#18723): build again with No cache, or pull the base for ${p.plan.platform} first.`;
      build.note(p, p.error);
      return;
    }
    p.imageId = imageId;
    p.state = 'succeeded';
    this.images.recordRequested(imageId, p.plan.platform);
  }
}
