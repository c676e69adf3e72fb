export const registryKeys = {
  all: ['registries'] as const,
  /** registries.conf's tables and the logins of the auth files: `GET /api/registries`. */
  list: () => [...registryKeys.all, 'list'] as const,
};
