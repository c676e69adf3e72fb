import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BuildJob, BuildQuery } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { buildKeys } from './query-keys';

export interface BuildRequest {
  query: BuildQuery;
  /** The context, a tar archive (lib/tar-writer.ts). */
  context: Blob;
}

/**
 * Starts a build: the context goes up as the body (application/x-tar), the options in the
 * query. The daemon answers with the job once it has the whole context and has checked it.
 */
const createBuild = ({ query, context }: BuildRequest) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return api.post<BuildJob>(`/api/builds?${params}`, context);
};

export const useCreateBuild = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBuild,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: buildKeys.list() }),
  });
};
