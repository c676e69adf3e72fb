import type { JobState } from '@archdeck/shared';
import { Badge, type Tone } from './badge';

const tone: Record<JobState, Tone> = {
  running: 'neutral',
  succeeded: 'ok',
  failed: 'error',
  interrupted: 'error',
  cancelled: 'warning',
};

/** A daemon job's state (a pull, a build, a push) as the word the API uses: running, failed… */
export function JobStateBadge({
  state,
  'data-testid': testId,
}: {
  state: JobState;
  'data-testid'?: string;
}) {
  return (
    <Badge tone={tone[state]} data-testid={testId}>
      {state}
    </Badge>
  );
}
