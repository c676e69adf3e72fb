export const hostsKeys = {
  all: ['hosts'] as const,
  list: () => [...hostsKeys.all, 'list'] as const,
  key: () => [...hostsKeys.all, 'key'] as const,
};
