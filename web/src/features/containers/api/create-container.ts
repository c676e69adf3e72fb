import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ContainerSummary, LaunchJob, RunRequest } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

/**
 * Runs an image as a platform. The daemon answers with the started container when the image is
 * local (201), else with a launch (202): it pulls the image, then starts the container, and its
 * events (`useLaunchProgress`) carry the pull's progress and the container's id.
 */
const createContainer = (body: RunRequest) =>
  api.post<ContainerSummary | LaunchJob>('/api/containers', body);

/** Of the two answers, the 202's: only a launch has a `containerId`. */
export const isLaunch = (answer: ContainerSummary | LaunchJob): answer is LaunchJob =>
  'containerId' in answer;

export const useCreateContainer = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createContainer,
    onSuccess: (answer) => {
      // The container page opens next: it can show the answer at once.
      if (!isLaunch(answer)) queryClient.setQueryData(containerKeys.detail(answer.id), answer);
      void queryClient.invalidateQueries({ queryKey: containerKeys.list() });
    },
  });
};
