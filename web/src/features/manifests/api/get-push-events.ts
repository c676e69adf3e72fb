import { useEffect, useEffectEvent, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { PushJob } from '@archdeck/shared';
import { useEventSource } from '@/lib/use-event-source';
import { manifestKeys } from './query-keys';

function parseJob(data: string): PushJob | null {
  try {
    const value = JSON.parse(data) as PushJob;
    return typeof value?.id === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Follows a push while it runs (`GET /api/manifests/pushes/:id/events`: `job`, then `end`),
 * kept in hook state: progress is a data stream. When it ends, the lists are refetched: the
 * draft now names what the registry served.
 */
export function usePushProgress(snapshot: PushJob | null): PushJob | null {
  const queryClient = useQueryClient();
  const [streamed, setStreamed] = useState<PushJob | null>(null);
  const own = snapshot && streamed?.id === snapshot.id ? streamed : null;
  // Of the two, the one further along: a finished job never goes back to running.
  const latest = own && (own.state !== 'running' || snapshot?.state === 'running') ? own : snapshot;
  const url =
    latest?.state === 'running'
      ? `/api/manifests/pushes/${encodeURIComponent(latest.id)}/events`
      : null;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: manifestKeys.all });
  const refreshLost = useEffectEvent(refresh);
  const connection = useEventSource(
    url,
    {
      job: (data) => setStreamed((s) => parseJob(data) ?? s),
      end: (data) => {
        setStreamed((s) => parseJob(data) ?? s);
        refresh();
      },
    },
    { closeOn: ['end'], shared: ['job'] },
  );
  const lost = url !== null && connection === 'closed';
  useEffect(() => {
    if (lost) refreshLost();
  }, [lost]);
  return latest;
}
