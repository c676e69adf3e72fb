import { useEffect, useEffectEvent, useState } from 'react';
import type { JobState } from '@archdeck/shared';
import { useEventSource, type EventSourceState } from './use-event-source';

/** What every daemon job's contract has (a pull, a launch, a build, a push). */
interface JobLike {
  id: string;
  state: JobState;
}

/**
 * Of two states of one job, the streamed one and a snapshot from a list or an answer, the one
 * to show: a finished job never goes back; while both run, the stream's (which is newer) unless
 * `further` says the snapshot is further along.
 */
export function newer<J extends JobLike>(
  streamed: J,
  snapshot: J,
  further: (a: J, b: J) => boolean = () => false,
): J {
  if (streamed.state !== 'running') return streamed;
  if (snapshot.state !== 'running') return snapshot;
  return further(snapshot, streamed) ? snapshot : streamed;
}

function parseJob<J extends JobLike>(data: string): J | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as J).id === 'string'
      ? (value as J)
      : null;
  } catch {
    return null;
  }
}

export interface JobEventsOptions<J> {
  /** false pauses following (the last known state stays). */
  live?: boolean;
  /** The stream said the job ended, with its final state. */
  onEnd?: (job: J) => void;
  /** The stream was refused for good while the job ran (the daemon forgot it, say). */
  onLost?: () => void;
  /** Whether the first state is further along than the second, while both run. */
  further?: (a: J, b: J) => boolean;
}

/**
 * Follows a daemon job live while it runs, over its `GET …/:id/events` stream: `job` events with
 * the whole job (at most ten a second), then one `end` with the final job, after which the
 * daemon closes the stream. `job` is the last snapshot the caller has (a list, or the answer
 * that started it); the stream's newer states are kept here, outside the query cache, because
 * progress is a data stream, not server state to refetch. What to refresh when it ends is the
 * caller's business (`onEnd`, `onLost`).
 */
export function useJobEvents<J extends JobLike>(
  job: J | null,
  eventsUrl: (id: string) => string,
  { live = true, onEnd, onLost, further }: JobEventsOptions<J> = {},
): { job: J | null; connection: EventSourceState } {
  const [streamed, setStreamed] = useState<J | null>(null);
  const latest = job && streamed?.id === job.id ? newer(streamed, job, further) : job;
  const url = latest && live && latest.state === 'running' ? eventsUrl(latest.id) : null;

  const connection = useEventSource(
    url,
    {
      job: (data) => {
        const next = parseJob<J>(data);
        if (next) setStreamed(next);
      },
      end: (data) => {
        const final = parseJob<J>(data);
        if (final) setStreamed(final);
        if (final) onEnd?.(final);
      },
    },
    // Two components may follow one job (a pull in its dialog and in the pulls list): `job` is
    // its whole state each time.
    { closeOn: ['end'], shared: ['job'] },
  );

  const lost = url !== null && connection === 'closed';
  const reportLost = useEffectEvent(() => onLost?.());
  useEffect(() => {
    if (lost) reportLost();
  }, [lost]);

  return { job: latest, connection };
}
