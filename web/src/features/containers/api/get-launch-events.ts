import type { LaunchJob } from '@archdeck/shared';
import { useJobEvents, type JobEventsOptions } from '@/lib/job-events';

const launchEventsUrl = (id: string) => `/api/launches/${encodeURIComponent(id)}/events`;

/**
 * Follows a launch (a run whose image the daemon pulls first) while it runs: its `pull` carries
 * the progress; the final state names the container, or says why there is none.
 */
export const useLaunchProgress = (
  launch: LaunchJob | null,
  options: Pick<JobEventsOptions<LaunchJob>, 'onEnd' | 'onLost'>,
) => useJobEvents(launch, launchEventsUrl, options);
