import { useId, useState } from 'react';
import clsx from 'clsx';
import type { PullJob } from '@archdeck/shared';
import { ChevronRight, Download, X } from 'lucide-react';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { ErrorNotice } from '@/components/error-notice';
import { PlatformChip } from '@/components/platform-chip';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { useCancelPull } from '../api/cancel-pull';
import { usePullProgress } from '../api/get-pull-events';
import { usePulls } from '../api/get-pulls';
import { PullLayers, PullOverall, PullStateBadge, RetryPullButton } from './pull-progress';
import { ReferenceText } from '@/components/reference-text';

/** The daemon keeps the last twenty finished pulls; the panel folds after these. */
const FOLDED_ROWS = 4;

/**
 * Each followed pull holds a connection open, and browsers allow six per origin over HTTP/1.1:
 * with the app's event stream and the pull dialog's (when it follows another pull), this
 * leaves three for requests. Pulls beyond these show their last known state until one ahead
 * of them ends.
 */
const LIVE_STREAMS = 2;

const runningFirst = (a: PullJob, b: PullJob) =>
  Number(b.state === 'running') - Number(a.state === 'running') ||
  b.startedAt.localeCompare(a.startedAt);

function PullJobRow({ snapshot, live }: { snapshot: PullJob; live: boolean }) {
  const { job: current } = usePullProgress(snapshot, { live });
  const cancel = useCancelPull();
  const job = current ?? snapshot;
  const running = job.state === 'running';
  const when = job.finishedAt ?? job.startedAt;

  return (
    <li data-testid={`pull-job-${job.id}`} className="space-y-2 py-3 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-center gap-x-2.5 gap-y-1.5">
        <span className="min-w-0 font-mono text-[13px] font-medium">
          <ReferenceText value={job.ref} />
        </span>
        <PlatformChip platform={job.platform} />
        <PullStateBadge job={job} data-testid={`pull-job-state-${job.id}`} />
        <span className="ml-auto flex items-center gap-2">
          <time dateTime={when} title={formatDateTime(when)} className="text-xs text-subtle">
            {running ? 'started ' : ''}
            {formatRelativeTime(when)}
          </time>
          {running && (
            <Button
              size="sm"
              variant="ghost"
              icon={<X aria-hidden />}
              busy={cancel.isPending}
              onClick={() => cancel.mutate(job.id)}
              aria-label={`Cancel pulling ${job.ref} for ${job.platform}`}
              data-testid={`pull-job-cancel-${job.id}`}
            >
              Cancel
            </Button>
          )}
          {!running && job.state !== 'succeeded' && <RetryPullButton job={job} size="sm" />}
        </span>
      </div>

      {running && <PullOverall job={job} size="sm" data-testid={`pull-job-progress-${job.id}`} />}
      {job.state === 'succeeded' && (
        <p className="text-xs text-muted">
          Pulled as{' '}
          <span className="font-mono text-fg">
            <ReferenceText value={job.archTag ?? job.ref} />
          </span>
          {job.error && <span className="text-amber-800 dark:text-amber-300"> · {job.error}</span>}
        </p>
      )}
      {job.state !== 'succeeded' && job.state !== 'running' && job.error && (
        <p
          className={clsx(
            'text-xs break-words',
            job.state === 'cancelled' ? 'text-muted' : 'text-red-700 dark:text-red-400',
          )}
        >
          {job.error}
        </p>
      )}
      {cancel.isError && <ErrorNotice title="Could not cancel the pull" error={cancel.error} />}

      {running && (
        <details className="group">
          <summary className="inline-flex cursor-pointer items-center gap-1 rounded text-xs font-medium text-muted select-none hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500 [&::-webkit-details-marker]:hidden">
            <ChevronRight
              aria-hidden
              className="size-3.5 transition-transform group-open:rotate-90"
            />
            Layers ({job.layers.length})
          </summary>
          <div className="mt-2">
            <PullLayers job={job} />
          </div>
        </details>
      )}
    </li>
  );
}

/**
 * Running and recent pulls, whichever tab started them: a pull belongs to the daemon, so
 * reopening the page shows it still going. Hidden while there has been none.
 */
export function PullsPanel() {
  const pulls = usePulls();
  const [showAll, setShowAll] = useState(false);
  const listId = useId();

  if (pulls.isPending) return null;
  if (!pulls.data) {
    return (
      <ErrorNotice
        title="Could not load the pulls"
        error={pulls.error}
        onRetry={() => void pulls.refetch()}
      />
    );
  }
  if (pulls.data.length === 0) return null;

  const jobs = [...pulls.data].sort(runningFirst);
  const running = jobs.filter((job) => job.state === 'running').length;
  const foldable = jobs.length > FOLDED_ROWS + 1;
  const shown = foldable && !showAll ? jobs.slice(0, Math.max(FOLDED_ROWS, running)) : jobs;

  return (
    <Card
      title="Pulls"
      icon={<Download />}
      data-testid="pulls-panel"
      aside={
        <span className="text-xs text-muted">
          {running > 0 ? `${running} running` : 'none running'}
        </span>
      }
    >
      <ul id={listId} className="divide-y divide-line">
        {shown.map((job, index) => (
          <PullJobRow
            key={job.id}
            snapshot={job}
            // Running jobs sort first, so the index counts among them.
            live={index < LIVE_STREAMS}
          />
        ))}
      </ul>
      {foldable && (
        <button
          type="button"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
          aria-controls={listId}
          className="mt-3 -ml-2 rounded-md px-2 py-1 text-sm font-medium text-muted hover:bg-sunken hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
        >
          {showAll ? 'Show fewer' : `Show all ${jobs.length}`}
        </button>
      )}
    </Card>
  );
}
