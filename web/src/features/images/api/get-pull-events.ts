import { useQueryClient } from '@tanstack/react-query';
import type { PullJob } from '@archdeck/shared';
import { useJobEvents } from '@/lib/job-events';
import { imageKeys } from './query-keys';

const pullEventsUrl = (id: string) => `/api/pulls/${encodeURIComponent(id)}/events`;

/** While both run, a snapshot with more bytes is further along than the stream's last state. */
export const furtherPull = (a: PullJob, b: PullJob) => a.current > b.current;

/**
 * Follows a pull live while it runs (`GET /api/pulls/:id/events`). Its end needs nothing here:
 * the app's event stream refreshes the lists (the daemon reports the pull's end, podman the
 * image's arrival). When the stream is refused for good (the daemon restarted and forgot the
 * job, say), the pulls list is asked again: it says how the job ended or that it is gone.
 */
export function usePullProgress(job: PullJob | null, { live = true }: { live?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useJobEvents(job, pullEventsUrl, {
    live,
    further: furtherPull,
    onLost: () => void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
}
