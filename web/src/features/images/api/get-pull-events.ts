import { useQueryClient } from '@tanstack/react-query';
import type { PullJob } from '@archdeck/shared';
import { usePullProgress as useFollowPull } from '@/lib/pull-progress';
import { imageKeys } from './query-keys';

/**
 * Follows a pull live while it runs (the stream itself is `GET /api/pulls/:id/events`, shared
 * with Containers in `lib/pull-progress.ts`). Its end needs nothing here: the app's event
 * stream refreshes the lists (the daemon reports the pull's end, podman the image's arrival).
 * When the stream is refused for good (the daemon restarted and forgot the job, say), the pulls
 * list is asked again: it says how the job ended or that it is gone.
 */
export function usePullProgress(job: PullJob | null, { live = true }: { live?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useFollowPull(job, {
    live,
    onLost: () => void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
}
