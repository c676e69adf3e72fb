import type { ContainerSummary } from '@archdeck/shared';
import { StatusDot } from '@/components/badge';
import { failedExit, stateTone } from './labels';

/**
 * The state as podman words it, after a dot in its colour. The test id sits on the word alone,
 * so it reads exactly `running` or `exited`.
 */
export function ContainerStateLabel({
  container,
  'data-testid': testId,
}: {
  container: Pick<ContainerSummary, 'state' | 'exitCode' | 'status' | 'stop'>;
  'data-testid'?: string;
}) {
  return (
    <span className="inline-flex items-center gap-2 whitespace-nowrap" title={container.status}>
      <StatusDot tone={stateTone(container)} label={container.status || container.state} />
      <span data-testid={testId}>{container.state}</span>
    </span>
  );
}

/** The exit code, once there is one, red when it is a failure (failedExit); a dash before. */
export function ExitCode({
  container,
}: {
  container: Pick<ContainerSummary, 'exitCode' | 'stop'>;
}) {
  if (container.exitCode === null) return <span className="text-subtle">—</span>;
  return (
    <span
      className={
        failedExit(container)
          ? 'font-mono text-red-700 tabular-nums dark:text-red-400'
          : 'font-mono tabular-nums'
      }
    >
      {container.exitCode}
    </span>
  );
}
