/**
 * "Pull, then run" has one owner, the daemon: a run whose image is not local is a launch job
 * that follows the pull (its progress is part of the launch's events), then creates and starts
 * the container. The browser and the CLI follow that one job; neither pulls first itself.
 */
import type { ContainerSummary, LaunchJob, PullJob, RunRequest } from '@archdeck/shared';
import type { Job, JobFields, Jobs } from '../jobs/jobs.js';
import type { PullManager } from '../images/pulls.js';
import { AppError } from '../lib/errors.js';

/**
 * Creates and starts the container from the pulled image (ContainersService does), telling
 * `created` its id as soon as it exists: a container that then fails to start is still there,
 * with a diagnosis on its page.
 */
export type StartImage = (
  imageId: string,
  created: (id: string) => void,
) => Promise<ContainerSummary>;

class Launch {
  pull: PullJob;
  containerId: string | null = null;

  constructor(
    readonly request: RunRequest,
    readonly platform: string,
    pull: PullJob,
  ) {
    this.pull = pull;
  }

  view(fields: JobFields): LaunchJob {
    const { request, platform, pull, containerId } = this;
    return { ...fields, request, platform, pull, containerId };
  }
}

export class Launches {
  constructor(
    private readonly pulls: PullManager,
    readonly jobs: Jobs<LaunchJob>,
  ) {}

  /**
   * Starts the pull (or joins the one under way for the same image and platform) and answers
   * with the launch at once. Errors known before anything runs (a reference no registry can
   * resolve, podman away) are thrown here, as the request's answer, not as a failed job.
   */
  async start(request: RunRequest, platform: string, startImage: StartImage): Promise<LaunchJob> {
    const running = new Set(
      this.pulls.jobs
        .list()
        .filter((p) => p.state === 'running')
        .map((p) => p.id),
    );
    const pull = await this.pulls.start(request.image, platform);
    const joined = running.has(pull.id);
    const launch = new Launch(request, platform, pull);
    const job = this.jobs.add((fields) => launch.view(fields));
    const unsubscribe = this.pulls.jobs.subscribe(pull.id, (snap, final) => {
      launch.pull = snap;
      if (!final) job.changed();
      else void this.pulled(job, launch, snap, startImage);
    });
    // A cancelled launch stops its pull too, unless it joined one somebody else started.
    job.signal.addEventListener('abort', () => {
      unsubscribe();
      if (job.fields.state === 'cancelled' && !joined && launch.pull.state === 'running')
        this.pulls.jobs.cancel(pull.id);
    });
    return job.snapshot();
  }

  private async pulled(
    job: Job<LaunchJob>,
    launch: Launch,
    pull: PullJob,
    startImage: StartImage,
  ): Promise<void> {
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
      await startImage(pull.imageId, (id) => {
        launch.containerId = id;
      });
      job.finish('succeeded');
    } catch (err) {
      job.finish(
        'failed',
        err instanceof AppError
          ? err.message
          : `The container could not be started: ${(err as Error).message}`,
      );
    }
  }
}
