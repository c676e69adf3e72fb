import { localImagesKey } from '@/lib/local-images';

export const imageKeys = {
  all: ['images'] as const,
  /** Local images: what `podman images` would show (the query is in lib/local-images.ts). */
  list: () => localImagesKey,
  details: () => [...imageKeys.all, 'detail'] as const,
  detail: (id: string) => [...imageKeys.details(), id] as const,
  /** Pull jobs the daemon runs or ran recently, whichever tab started them. */
  pulls: () => [...imageKeys.all, 'pulls'] as const,
};
