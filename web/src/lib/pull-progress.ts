import { useEffect, useEffectEvent, useState } from 'react';
import type { PullJob, PullRequest } from '@archdeck/shared';
import { api } from './api-client';
import { useEventSource, type EventSourceState } from './use-event-source';

/*
 * Pull jobs are the Images feature's endpoints, but running a container starts with one too
 * (Containers pulls first, to show progress). Features do not import each other, so the two
 * pieces both need live here: starting a pull and following its progress stream.
 */

/**
 * Starts pulling a reference for one platform. The daemon answers at once with the job (the
 * running one, when that reference and platform are already being pulled).
 */
export const createPull = (body: PullRequest) => api.post<PullJob>('/api/pulls', body);

/**
 * A pull's progress stream: `job` events with the whole job (at most ten a second), then one
 * `end` with the final job, after which the daemon closes the stream.
 */
const pullEventsUrl = (id: string) => `/api/pulls/${encodeURIComponent(id)}/events`;

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
export function newer(streamed: PullJob, snapshot: PullJob): PullJob {
  if (streamed.state !== 'running') return streamed;
  if (snapshot.state !== 'running') return snapshot;
  return snapshot.current > streamed.current ? snapshot : streamed;
}

interface PullProgressOptions {
  /** false pauses following (the last known state stays). */
  live?: boolean;
  /** The stream said the job ended, with its final state. */
  onEnd?: (job: PullJob) => void;
  /** The stream was refused for good while the job ran (the daemon forgot it, say). */
  onLost?: () => void;
}

/**
 * Follows a pull live while it runs. `job` is the last snapshot from the daemon (a pulls list,
 * or the answer to starting it); the stream's newer states are kept here, outside the query
 * cache, because progress is a data stream, not server state to refetch. What to refresh when
 * it ends is the caller's business (`onEnd`, `onLost`).
 */
export function usePullProgress(
  job: PullJob | null,
  { live = true, onEnd, onLost }: PullProgressOptions = {},
): { job: PullJob | null; connection: EventSourceState } {
  const [streamed, setStreamed] = useState<PullJob | null>(null);
  const latest = job && streamed?.id === job.id ? newer(streamed, job) : job;
  const url = latest && live && latest.state === 'running' ? pullEventsUrl(latest.id) : null;

  const connection = useEventSource(
    url,
    {
      job: (data) => {
        const next = parseJob(data);
        if (next) setStreamed(next);
      },
      end: (data) => {
        const final = parseJob(data);
        if (final) setStreamed(final);
        if (final) onEnd?.(final);
      },
    },
    // The dialog and the pulls list may follow one pull: `job` is its whole state each time.
    { closeOn: ['end'], shared: ['job'] },
  );

  const lost = url !== null && connection === 'closed';
  const reportLost = useEffectEvent(() => onLost?.());
  useEffect(() => {
    if (lost) reportLost();
  }, [lost]);

  return { job: latest, connection };
}
