import type { PullJob } from '@archdeck/shared';
import { ErrorNotice } from '@/components/error-notice';
import { ProgressBar } from '@/components/progress-bar';
import { Spinner } from '@/components/spinner';
import { formatBytes } from '@/lib/format';
import type { useLaunch } from './use-launch';

function pullText(job: PullJob): string {
  if (job.total > 0) return `${formatBytes(job.current)} of ${formatBytes(job.total)}`;
  return job.layers.length > 0 ? 'Waiting for sizes…' : 'Resolving the image…';
}

/**
 * Where a launch is: the daemon's pull's progress, then "starting", or what went wrong with the
 * daemon's message. `errorTestId` marks the error, e.g. `run-error`.
 */
export function LaunchStatus({
  launch,
  errorTestId,
}: {
  launch: ReturnType<typeof useLaunch>;
  errorTestId: string;
}) {
  const { phase, request, job, failure } = launch;
  if (!request || phase === 'idle') return null;
  if (failure) {
    return (
      <div data-testid={errorTestId}>
        <ErrorNotice title={failure.title} error={failure.error} />
      </div>
    );
  }
  // Until the daemon answers, it is not known whether it pulls first (a local image is not
  // pulled again, and its container is started by then).
  if (phase === 'asking') {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-muted">
        <Spinner label="Starting" />
        Starting <span className="font-mono break-all">{request.image}</span> for{' '}
        <span className="font-mono">{request.platform}</span>…
      </p>
    );
  }
  if (phase === 'pulling' && job) {
    const text = pullText(job);
    return (
      <div data-testid="launch-progress" className="space-y-1.5">
        <ProgressBar
          value={job.total > 0 ? job.current / job.total : null}
          label={`Pulling ${request.image} for ${request.platform}`}
          valueText={text}
        />
        <p className="flex justify-between gap-3 text-xs text-muted tabular-nums">
          {/* A long reference breaks anywhere rather than push the sizes out of the dialog. */}
          <span className="min-w-0 break-all">
            Pulling <span className="font-mono">{request.image}</span> for{' '}
            <span className="font-mono">{request.platform}</span>
          </span>
          <span className="shrink-0 whitespace-nowrap">{text}</span>
        </p>
        {launch.connection === 'connecting' && (
          <p role="status" className="text-xs text-muted">
            Reconnecting to the daemon; the pull goes on there.
          </p>
        )}
      </div>
    );
  }
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-muted">
      <Spinner label="Starting the container" />
      {phase === 'started' ? 'Opening its logs…' : 'Pulled; creating and starting the container…'}
    </p>
  );
}
