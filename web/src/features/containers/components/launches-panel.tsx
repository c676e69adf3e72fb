import type { LaunchJob } from '@archdeck/shared';
import { RotateCcw, X } from 'lucide-react';
import { Button } from '@/components/button';
import { MessageText } from '@/components/message-text';
import { ProgressBar } from '@/components/progress-bar';
import { formatBytes } from '@/lib/format';
import { useCancelLaunch, useLaunches } from '../api/get-launches';
import { useLaunchProgress } from '../api/get-launch-events';
import { useCreateContainer } from '../api/create-container';

/** How long a launch that ended without a container stays on the page. */
const SHOW_FAILED_MS = 15 * 60_000;

/**
 * Running, or ended lately without a container, and not run again since (the list is newest
 * first: a later launch of the same image and platform replaces a failed one).
 */
export function shown(all: LaunchJob[], now: number): LaunchJob[] {
  const seen = new Set<string>();
  return all.filter((l) => {
    const what = `${l.request.image} ${l.platform}`;
    const later = seen.has(what);
    seen.add(what);
    if (l.state === 'running') return true;
    return (
      !later &&
      l.containerId === null &&
      l.state !== 'cancelled' &&
      l.finishedAt !== null &&
      now - Date.parse(l.finishedAt) < SHOW_FAILED_MS
    );
  });
}

function LaunchRow({ launch: listed }: { launch: LaunchJob }) {
  const { job } = useLaunchProgress(listed, {});
  const launch = job ?? listed;
  const cancel = useCancelLaunch();
  const again = useCreateContainer();
  const { pull, request } = launch;
  const running = launch.state === 'running';
  const sizes =
    pull.total > 0
      ? `${formatBytes(pull.current)} of ${formatBytes(pull.total)}`
      : 'Waiting for sizes';
  const what = (
    <>
      <span className="font-mono break-all">{request.image}</span> as{' '}
      <span className="font-mono">{launch.platform}</span>
    </>
  );
  return (
    <li
      className="space-y-2 rounded-md border border-line bg-surface p-3"
      data-testid={`launch-${launch.id}`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <p className="mr-auto min-w-0 text-sm">
          {running ? (pull.state === 'running' ? 'Pulling ' : 'Starting ') : 'Did not start '}
          {what}
        </p>
        {running ? (
          <Button
            size="sm"
            icon={<X aria-hidden />}
            busy={cancel.isPending}
            onClick={() => cancel.mutate(launch.id)}
            data-testid={`launch-cancel-${launch.id}`}
          >
            Cancel
          </Button>
        ) : (
          <Button
            size="sm"
            icon={<RotateCcw aria-hidden />}
            busy={again.isPending}
            onClick={() => again.mutate(request)}
            data-testid={`launch-retry-${launch.id}`}
          >
            Run again
          </Button>
        )}
      </div>
      {running && pull.state === 'running' && (
        <div className="flex items-center gap-3">
          <div className="min-w-0 flex-1">
            <ProgressBar
              size="sm"
              value={pull.total > 0 ? pull.current / pull.total : null}
              label={`Pulling ${request.image} for ${launch.platform}`}
              valueText={sizes}
            />
          </div>
          <span className="shrink-0 text-xs whitespace-nowrap text-muted tabular-nums">
            {sizes}
          </span>
        </div>
      )}
      {!running && launch.error && (
        <p
          className="text-sm whitespace-pre-line text-red-700 dark:text-red-400"
          data-testid={`launch-error-${launch.id}`}
        >
          <MessageText text={launch.error} />
        </p>
      )}
    </li>
  );
}

/**
 * Runs the daemon is pulling an image for (a Run dialog closed while it pulled, a run from the
 * CLI), and those that ended without a container lately: what became of them, and a way to
 * stop or repeat them. Nothing shows while there are none.
 */
export function LaunchesPanel() {
  const launches = useLaunches();
  // Aged by when the list was fetched: every launch event refetches it.
  const list = shown(launches.data ?? [], launches.dataUpdatedAt);
  if (list.length === 0) return null;
  const heading = list.some((l) => l.state === 'running') ? 'Starting' : 'Did not start';
  return (
    <section aria-label={heading} className="space-y-2" data-testid="launches">
      <h2 className="text-sm font-medium text-muted">{heading}</h2>
      <ul className="space-y-2">
        {list.map((l) => (
          <LaunchRow key={l.id} launch={l} />
        ))}
      </ul>
    </section>
  );
}
