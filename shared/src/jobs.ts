import { Type, type Static } from 'typebox';

/**
 * Where a daemon job (a pull, a launch, a build, a manifest list push) is. `interrupted`: its work stopped
 * without an outcome (podman or the daemon went away); it can be retried.
 */
export const JobState = Type.Union([
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('interrupted'),
  Type.Literal('cancelled'),
]);
export type JobState = Static<typeof JobState>;
