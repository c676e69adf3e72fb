import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { PullJob } from '@archdeck/shared';
import { useEventSource, type EventSourceState } from '@/lib/use-event-source';
import { imageKeys } from './query-keys';

/**
 * A pull's progress stream: `job` events with the whole job (at most ten a second), then one
 * `end` with the final job, after which the daemon closes the stream.
 */
export const pullEventsUrl = (id: string) => `/api/pulls/${encodeURIComponent(id)}/events`;

function parseJob(data: string): PullJob | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as PullJob).id === 'string'
      ? (value as PullJob)
      : null;
  } catch {
    return null;
  }
}

/** Of two snapshots of one job, the one further along: a finished job never goes back. */
function newer(streamed: PullJob, snapshot: PullJob): PullJob {
  if (streamed.state !== 'running') return streamed;
  if (snapshot.state !== 'running') return snapshot;
  return snapshot.current > streamed.current ? snapshot : streamed;
}

/**
 * Follows a pull live while it runs. `job` is the last snapshot from the daemon (the pulls
 * list, or the answer to starting it); the stream's newer states are kept here, outside the
 * query cache, because progress is a data stream, not server state to refetch. When the pull
 * ends the image list and the pulls list are refreshed. `live: false` pauses following.
 */
export function usePullProgress(
  job: PullJob | null,
  { live = true }: { live?: boolean } = {},
): { job: PullJob | null; connection: EventSourceState } {
  const queryClient = useQueryClient();
  const [streamed, setStreamed] = useState<PullJob | null>(null);
  const latest = job && streamed?.id === job.id ? newer(streamed, job) : job;
  const url = latest && live && latest.state === 'running' ? pullEventsUrl(latest.id) : null;

  const connection = useEventSource(url, {
    job: (data) => {
      const next = parseJob(data);
      if (next) setStreamed(next);
    },
    end: (data) => {
      const final = parseJob(data);
      if (final) setStreamed(final);
      void queryClient.invalidateQueries({ queryKey: imageKeys.list() });
      void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() });
    },
  });

  // Refused for good (the daemon restarted and forgot the job, say): ask for the list again,
  // which says how the job ended or that it is gone.
  const lost = url !== null && connection === 'closed';
  useEffect(() => {
    if (lost) void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() });
  }, [lost, queryClient]);

  return { job: latest, connection };
}
