import { useState } from 'react';
import type { ContainerSummary, LaunchJob, RunRequest } from '@archdeck/shared';
import { useNavigate } from 'react-router';
import { isLaunch, useCreateContainer } from '../api/create-container';
import { useLaunchProgress } from '../api/get-launch-events';

export type LaunchPhase = 'idle' | 'asking' | 'pulling' | 'starting' | 'failed' | 'started';

interface Attempt {
  request: RunRequest;
  /** The daemon's launch, when the image had to be pulled first. */
  launch: LaunchJob | null;
  /** Why the launch ended without a container (the daemon's words). */
  launchFailure: string | null;
  /** The launch ended with a container; its page opens. */
  started: boolean;
}

/**
 * Running a container, the way the UI does it: one POST /api/containers. A local image's
 * container is there at once; otherwise the daemon pulls the image and starts the container
 * itself (a launch), and this follows its progress. Then the container's page opens, where its
 * logs stream. Unmounting stops following; the launch goes on in the daemon.
 */
export function useLaunch() {
  const navigate = useNavigate();
  const create = useCreateContainer();
  const [attempt, setAttempt] = useState<Attempt | null>(null);

  const open = (id: string, tty: boolean) =>
    // A TTY container (a shell preset) opens straight into its terminal.
    void navigate(`/containers/${encodeURIComponent(id)}${tty ? '?terminal=attach' : ''}`);

  const ended = (launch: LaunchJob) => {
    // A container that was created but did not start has a page too: it says why.
    if (launch.containerId) {
      setAttempt((current) => current && { ...current, launch, started: true });
      open(launch.containerId, launch.state === 'succeeded' && (launch.request.tty ?? false));
    } else {
      setAttempt(
        (current) =>
          current && {
            ...current,
            launch,
            launchFailure: launch.error ?? `The run ended ${launch.state}.`,
          },
      );
    }
  };

  const progress = useLaunchProgress(attempt?.launch ?? null, {
    onEnd: ended,
    onLost: () =>
      setAttempt(
        (current) =>
          current && {
            ...current,
            launchFailure:
              'The daemon no longer knows this run (it restarted?): the Containers page shows whether the container started.',
          },
      ),
  });

  const launch = (request: RunRequest) => {
    create.reset();
    setAttempt({ request, launch: null, launchFailure: null, started: false });
    create.mutate(request, {
      onSuccess: (answer: ContainerSummary | LaunchJob) => {
        if (!isLaunch(answer)) {
          setAttempt((current) => current && { ...current, started: true });
          open(answer.id, answer.tty);
          return;
        }
        setAttempt((current) =>
          current?.request === request ? { ...current, launch: answer } : current,
        );
        // Ended already (it raced the answer): the stream would have nothing to say.
        if (answer.state !== 'running') ended(answer);
      },
    });
  };

  const failure: { title: string; error: unknown } | null = create.isError
    ? { title: 'Could not run the container', error: create.error }
    : attempt?.launchFailure
      ? {
          title:
            progress.job?.pull.state === 'succeeded'
              ? 'Could not run the container'
              : `Could not pull ${attempt.request.image}`,
          error: attempt.launchFailure,
        }
      : null;

  const current = progress.job;
  const phase: LaunchPhase = !attempt
    ? 'idle'
    : failure
      ? 'failed'
      : attempt.started
        ? 'started'
        : !current
          ? 'asking'
          : current.pull.state === 'running'
            ? 'pulling'
            : 'starting';

  return {
    phase,
    /** What is being run; null before the first launch. */
    request: attempt?.request ?? null,
    /** The pull's latest state while the daemon pulls the image (null when none is needed). */
    job: current?.pull ?? null,
    /** The launch's event stream: `connecting` while the daemon is out of reach. */
    connection: progress.connection,
    failure,
    busy: phase === 'asking' || phase === 'pulling' || phase === 'starting' || phase === 'started',
    launch,
  };
}
