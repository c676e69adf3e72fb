import { useQueryClient } from '@tanstack/react-query';
import type { PullJob } from '@archdeck/shared';
import { usePullProgress as useFollowPull } from '@/lib/pull-progress';
import { imageKeys } from './query-keys';

/**
 * Follows a pull live while it runs (the stream itself is `GET /api/pulls/:id/events`, shared
 * with Containers in `lib/pull-progress.ts`). When the pull ends the image list and the pulls
 * list are refreshed; when the stream is refused for good (the daemon restarted and forgot the
 * job, say), the pulls list is asked again: it says how the job ended or that it is gone.
 */
export function usePullProgress(job: PullJob | null, { live = true }: { live?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useFollowPull(job, {
    live,
    onEnd: () => {
      void queryClient.invalidateQueries({ queryKey: imageKeys.list() });
      void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() });
    },
    onLost: () => void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
}
