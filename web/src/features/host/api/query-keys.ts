export const hostKeys = {
  all: ['host'] as const,
  health: () => [...hostKeys.all, 'health'] as const,
};
