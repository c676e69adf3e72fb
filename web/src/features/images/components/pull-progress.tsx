import type { PullJob, PullLayer } from '@archdeck/shared';
import { RotateCcw } from 'lucide-react';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { useCreatePull } from '../api/create-pull';
import { JobStateBadge } from '@/components/job-state-badge';
import { ProgressBar } from '@/components/progress-bar';
import { formatBytes } from '@/lib/format';

/** 0..1 over the layers whose size is known; null while none is (the bar pulses). */
function pullFraction(job: PullJob): number | null {
  if (job.state === 'succeeded') return 1;
  if (job.total > 0) return job.current / job.total;
  return null;
}

function pullBytes(job: PullJob): string {
  if (job.total > 0) return `${formatBytes(job.current)} of ${formatBytes(job.total)}`;
  return job.state === 'running' ? 'Waiting for sizes…' : '';
}

const barTone = (job: PullJob) =>
  job.state === 'succeeded'
    ? 'ok'
    : job.state === 'failed' || job.state === 'interrupted'
      ? 'error'
      : 'neutral';

/**
 * Pulls the same reference for the same platform again, for a pull that ended without its
 * image (failed, interrupted by podman or a daemon restart, cancelled).
 */
export function RetryPullButton({
  job,
  onStarted,
  size,
}: {
  job: PullJob;
  onStarted?: (job: PullJob) => void;
  size?: 'sm' | 'md';
}) {
  const retry = useCreatePull();
  return (
    <>
      <Button
        size={size}
        icon={<RotateCcw aria-hidden />}
        busy={retry.isPending}
        onClick={() =>
          retry.mutate({ ref: job.ref, platform: job.platform }, { onSuccess: onStarted })
        }
        aria-label={`Retry pulling ${job.ref} for ${job.platform}`}
        data-testid={`pull-retry-${job.id}`}
      >
        Retry
      </Button>
      {retry.isError && <ErrorNotice title="Could not start the pull" error={retry.error} />}
    </>
  );
}

/** The job's state as a word the API uses too: running, succeeded, failed… */
export function PullStateBadge({
  job,
  'data-testid': testId,
}: {
  job: PullJob;
  'data-testid'?: string;
}) {
  return <JobStateBadge state={job.state} data-testid={testId} />;
}

/** The overall bar with bytes done, for the whole pull. */
export function PullOverall({
  job,
  size = 'md',
  'data-testid': testId,
}: {
  job: PullJob;
  size?: 'sm' | 'md';
  'data-testid'?: string;
}) {
  const bytes = pullBytes(job);
  // A pull that ended without its image has no bar: a full one would read as done, though
  // every byte may have arrived before it failed.
  if (job.state !== 'running' && job.state !== 'succeeded') {
    return bytes ? (
      <p className="text-xs text-muted tabular-nums" data-testid={testId}>
        Stopped after {bytes}.
      </p>
    ) : null;
  }
  const fraction = pullFraction(job);
  return (
    <div className="space-y-1">
      <ProgressBar
        value={fraction}
        label={`Pulling ${job.ref} for ${job.platform}`}
        valueText={bytes || job.state}
        tone={barTone(job)}
        size={size}
        data-testid={testId}
      />
      <p className="flex justify-between gap-3 text-xs text-muted tabular-nums">
        <span>{bytes}</span>
        {fraction !== null && job.total > 0 && <span>{Math.round(fraction * 100)}%</span>}
      </p>
    </div>
  );
}

function layerFraction(layer: PullLayer, job: PullJob): number | null {
  if (job.state === 'succeeded') return 1;
  if (layer.total) return layer.current / layer.total;
  return /complete|already exists/i.test(layer.status) ? 1 : null;
}

/** One row per layer: podman's status for it, bytes and a bar. */
export function PullLayers({ job }: { job: PullJob }) {
  if (job.layers.length === 0) {
    return job.state === 'running' ? (
      <p className="text-xs text-muted">Resolving the image; layers appear as they start.</p>
    ) : null;
  }
  return (
    <ul className="space-y-2.5" aria-label="Layers">
      {job.layers.map((layer) => {
        const id = layer.id.replace(/^sha256:/, '').slice(0, 12);
        return (
          <li key={layer.id} data-testid={`pull-layer-${layer.id}`} className="space-y-1">
            <p className="flex items-baseline justify-between gap-3 text-xs">
              <span className="min-w-0 truncate">
                <span className="font-mono text-fg">{id}</span>{' '}
                <span className="text-muted">{layer.status}</span>
              </span>
              <span className="shrink-0 text-subtle tabular-nums">
                {layer.total
                  ? `${formatBytes(Math.min(layer.current, layer.total))} / ${formatBytes(layer.total)}`
                  : layer.current > 0
                    ? formatBytes(layer.current)
                    : ''}
              </span>
            </p>
            <ProgressBar
              value={layerFraction(layer, job)}
              label={`Layer ${id}: ${layer.status}`}
              tone={barTone(job)}
              size="sm"
            />
          </li>
        );
      })}
    </ul>
  );
}
