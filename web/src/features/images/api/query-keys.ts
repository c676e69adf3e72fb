export const imageKeys = {
  all: ['images'] as const,
  /** Local images: what `podman images` would show. */
  list: () => [...imageKeys.all, 'list'] as const,
  details: () => [...imageKeys.all, 'detail'] as const,
  detail: (id: string) => [...imageKeys.details(), id] as const,
  /** What a registry offers for a reference; changes only when someone pushes. */
  remotePlatforms: (ref: string) => [...imageKeys.all, 'remote-platforms', ref] as const,
  /** Pull jobs the daemon runs or ran recently, whichever tab started them. */
  pulls: () => [...imageKeys.all, 'pulls'] as const,
};
