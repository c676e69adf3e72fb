import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { PullJob, RunRequest } from '@archdeck/shared';
import { useNavigate } from 'react-router';
import { createPull, usePullProgress } from '@/lib/pull-progress';
import { useCreateContainer } from '../api/create-container';

export type LaunchPhase = 'idle' | 'pulling' | 'creating' | 'failed' | 'started';

interface Attempt {
  request: RunRequest;
  job: PullJob | null;
  /** Why the pull ended without the image (podman's message). */
  pullFailure: string | null;
}

/**
 * Running a container, the way the UI does it: pull the image for the platform first unless it
 * is local (the daemon would, but silently, holding the request for as long as the pull takes),
 * following the pull's progress; then create and start the container; then open its page,
 * where its logs stream. Unmounting stops waiting; a pull already begun goes on in the daemon.
 */
export function useLaunch() {
  const navigate = useNavigate();
  const create = useCreateContainer();
  const startPull = useMutation({ mutationFn: createPull });
  const [attempt, setAttempt] = useState<Attempt | null>(null);

  const runContainer = (request: RunRequest) =>
    create.mutate(request, {
      // A TTY container (a shell preset) opens straight into its terminal.
      onSuccess: (container) =>
        void navigate(
          `/containers/${encodeURIComponent(container.id)}${container.tty ? '?terminal=attach' : ''}`,
        ),
    });

  const pulled = (request: RunRequest, job: PullJob) => {
    if (job.state === 'succeeded') runContainer(request);
    else setAttempt({ request, job, pullFailure: job.error ?? `The pull ended ${job.state}.` });
  };

  const pull = usePullProgress(attempt?.job ?? null, {
    onEnd: (job) => {
      if (attempt) pulled(attempt.request, job);
    },
    // The progress is gone, not necessarily the pull: the daemon pulls what is missing itself.
    onLost: () => {
      if (attempt) runContainer(attempt.request);
    },
  });

  const launch = (request: RunRequest) => {
    startPull.reset();
    create.reset();
    setAttempt({ request, job: null, pullFailure: null });
    startPull.mutate(
      // A local image is not pulled again: the daemon answers at once and the run follows.
      { ref: request.image, platform: request.platform, policy: 'missing' },
      {
        onSuccess: (job) => {
          setAttempt((current) => (current?.request === request ? { ...current, job } : current));
          // Only a running job has a progress stream to wait for.
          if (job.state !== 'running') pulled(request, job);
        },
      },
    );
  };

  const failure: { title: string; error: unknown } | null = startPull.isError
    ? { title: `Could not pull ${attempt?.request.image ?? 'the image'}`, error: startPull.error }
    : attempt?.pullFailure
      ? { title: `Could not pull ${attempt.request.image}`, error: attempt.pullFailure }
      : create.isError
        ? { title: 'Could not run the container', error: create.error }
        : null;

  const phase: LaunchPhase = !attempt
    ? 'idle'
    : failure
      ? 'failed'
      : create.isSuccess
        ? 'started'
        : create.isPending
          ? 'creating'
          : 'pulling';

  return {
    phase,
    /** What is being run; null before the first launch. */
    request: attempt?.request ?? null,
    /** The pull's latest state while it runs (null until the daemon has answered). */
    job: pull.job,
    failure,
    busy: phase === 'pulling' || phase === 'creating' || phase === 'started',
    launch,
  };
}
