import { useEffect, useEffectEvent, useState, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { BuildJob, BuildOutput } from '@archdeck/shared';
import { useEventSource, type EventSourceState } from '@/lib/use-event-source';
import { BuildOutputStore } from '../output-store';
import { buildKeys } from './query-keys';

const buildEventsUrl = (id: string) => `/api/builds/${encodeURIComponent(id)}/events`;

function parse<T>(data: string, valid: (value: T) => boolean): T | null {
  try {
    const value = JSON.parse(data) as T;
    return typeof value === 'object' && value !== null && valid(value) ? value : null;
  } catch {
    return null;
  }
}

const parseJob = (data: string) => parse<BuildJob>(data, (j) => typeof j.id === 'string');
const parseOutput = (data: string) =>
  parse<BuildOutput>(data, (o) => typeof o.platform === 'string' && Array.isArray(o.lines));

/**
 * Follows a build (`GET /api/builds/:id/events`): its state (`job`, at most ten a second, then
 * `end`) and each platform's output, kept lines first. The output lives in a store outside the
 * query cache; the stream is followed for as long as the build is shown, ended or not (an
 * ended build's stream sends what was kept, then ends). When the stream is refused for good
 * (the daemon restarted and forgot the output), the builds list is asked again.
 */
export function useBuildProgress(snapshot: BuildJob): {
  job: BuildJob;
  output: BuildOutputStore;
  connection: EventSourceState;
} {
  const queryClient = useQueryClient();
  // One build per component (callers key it by the build's id): one store for its life.
  const [store] = useState(() => new BuildOutputStore());
  const [streamed, setStreamed] = useState<BuildJob | null>(null);
  const [ended, setEnded] = useState(false);
  const url = ended ? null : buildEventsUrl(snapshot.id);

  const connection = useEventSource(
    url,
    {
      job: (data) => setStreamed((s) => parseJob(data) ?? s),
      output: (data) => {
        const output = parseOutput(data);
        if (output) store.add(output);
      },
      end: (data) => {
        setStreamed((s) => parseJob(data) ?? s);
        setEnded(true);
      },
    },
    { closeOn: ['end'] },
  );
  useSyncExternalStore(store.subscribe, store.getVersion);

  const lost = url !== null && connection === 'closed';
  const reportLost = useEffectEvent(
    () => void queryClient.invalidateQueries({ queryKey: buildKeys.list() }),
  );
  useEffect(() => {
    if (lost) reportLost();
  }, [lost]);

  // The stream's state, unless the list's snapshot is further along (it ended meanwhile).
  const job =
    streamed && (streamed.state !== 'running' || snapshot.state === 'running')
      ? streamed
      : snapshot;
  return { job, output: store, connection };
}
