/**
 * "Pull, then run" has one owner, the daemon: a run whose image is not local is a launch job
 * that follows the pull (its progress is part of the launch's events), then creates and starts
 * the container. The browser and the CLI follow that one job; neither pulls first itself.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ContainerSummary, LaunchJob, PullJob, RunRequest } from '@archdeck/shared';
import type { Job, JobFields, Jobs } from '../jobs/jobs.js';
import type { PullManager } from '../images/pulls.js';
import { AppError } from '../lib/errors.js';

/**
 * Creates and starts the container from the pulled image (ContainersService does), telling
 * `created` its id as soon as it exists (a container that then fails to start is still there,
 * with a diagnosis on its page). An abort of `signal` before the start removes the container
 * and throws: a cancelled launch starts nothing.
 */
export type StartImage = (
  imageId: string,
  created: (id: string) => void,
  signal?: AbortSignal,
) => Promise<ContainerSummary>;

class Launch {
  containerId: string | null = null;

  constructor(
    readonly request: RunRequest,
    readonly platform: string,
    public pull: PullJob,
  ) {}

  view(fields: JobFields): LaunchJob {
    const { request, platform, pull, containerId } = this;
    return { ...fields, request, platform, pull, containerId };
  }
}

/** A launch the last daemon left running: its pull ended with that daemon too. */
export function interruptedLaunch(job: LaunchJob, reason: string): LaunchJob {
  if (job.pull.state !== 'running') return job;
  return {
    ...job,
    pull: { ...job.pull, state: 'interrupted', error: reason, finishedAt: job.finishedAt },
  };
}

export class Launches {
  constructor(
    private readonly pulls: PullManager,
    readonly jobs: Jobs<LaunchJob>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Starts the pull (or joins the one under way for the same image and platform) and answers
   * with the launch at once. Errors known before anything runs (a reference no registry can
   * resolve, podman away) are thrown here, as the request's answer, not as a failed job.
   */
  async start(request: RunRequest, platform: string, startImage: StartImage): Promise<LaunchJob> {
    const pull = await this.pulls.start(request.image, platform, 'launch');
    const launch = new Launch(request, platform, pull);
    const job = this.jobs.add((fields) => launch.view(fields));
    const unsubscribe = this.pulls.jobs.subscribe(pull.id, (snap, final) => {
      launch.pull = snap;
      job.changed();
      if (final) void this.pulled(job, launch, startImage);
    });
    // Cancelled (or the daemon stops): the pull is given up first, so that its final state is
    // the one this launch ends with; it goes on if somebody else waits for it.
    job.signal.addEventListener(
      'abort',
      () => {
        if (job.fields.state === 'cancelled') this.pulls.release(pull.id);
        unsubscribe();
      },
      { once: true },
    );
    return job.snapshot();
  }

  private async pulled(job: Job<LaunchJob>, launch: Launch, startImage: StartImage) {
    const { pull } = launch;
    if (!job.running) return;
    if (pull.state !== 'succeeded' || !pull.imageId) {
      const what = `Pulling ${launch.request.image} for ${launch.platform} ${pull.state}`;
      job.finish(
        pull.state === 'interrupted' ? 'interrupted' : 'failed',
        `${what}: ${pull.error ?? 'no image'}`,
      );
      return;
    }
    try {
      await startImage(
        pull.imageId,
        (id) => {
          launch.containerId = id;
          job.changed();
        },
        job.signal,
      );
      job.finish('succeeded');
    } catch (err) {
      if (!job.running) return;
      if (!(err instanceof AppError) || err.statusCode >= 500)
        this.log.warn(
          { err, image: launch.request.image },
          'a launch could not start its container',
        );
      job.finish(
        'failed',
        err instanceof AppError
          ? err.message
          : 'The container could not be started: the daemon’s log says why.',
      );
    }
  }
}
