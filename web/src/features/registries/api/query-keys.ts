export const registryKeys = {
  all: ['registries'] as const,
  /** registries.conf's tables and the logins of the auth files: `GET /api/registries`. */
  list: () => [...registryKeys.all, 'list'] as const,
  /**
   * A repository's tags: under `all`, so that a login or logout asks again (it may change what
   * the registry lets archdeck read); image and emulator events never touch them.
   */
  tags: (repository: string) => [...registryKeys.all, 'tags', repository] as const,
};
