export const imageKeys = {
  all: ['images'] as const,
  /** Local images: what `podman images` would show. */
  list: () => [...imageKeys.all, 'list'] as const,
  details: () => [...imageKeys.all, 'detail'] as const,
  detail: (id: string) => [...imageKeys.details(), id] as const,
  /** Pull jobs the daemon runs or ran recently, whichever tab started them. */
  pulls: () => [...imageKeys.all, 'pulls'] as const,
  /**
   * A repository's tags in its registry: outside `all`, as local image events and emulator
   * changes say nothing about a registry, and must not send the drawer back to it.
   */
  registryTags: (repository: string) => ['registry-tags', repository] as const,
};
