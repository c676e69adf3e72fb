import type { ContainerSummary } from '@archdeck/shared';
import { StatusDot } from '@/components/badge';
import { stateTone } from './labels';

/**
 * The state as podman words it, after a dot in its colour. The test id sits on the word alone,
 * so it reads exactly `running` or `exited`.
 */
export function ContainerStateLabel({
  container,
  'data-testid': testId,
}: {
  container: Pick<ContainerSummary, 'state' | 'exitCode' | 'status'>;
  'data-testid'?: string;
}) {
  return (
    <span className="inline-flex items-center gap-2 whitespace-nowrap" title={container.status}>
      <StatusDot tone={stateTone(container)} label={container.status || container.state} />
      <span data-testid={testId}>{container.state}</span>
    </span>
  );
}

/** The exit code, once there is one; a dash before. */
export function ExitCode({ code }: { code: number | null }) {
  if (code === null) return <span className="text-subtle">—</span>;
  return (
    <span
      className={
        code === 0
          ? 'font-mono tabular-nums'
          : 'font-mono text-red-700 tabular-nums dark:text-red-400'
      }
    >
      {code}
    </span>
  );
}
