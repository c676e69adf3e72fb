import { useMemo, useRef, useState } from 'react';
import type { ContainerSummary } from '@archdeck/shared';
import { Container, Play } from 'lucide-react';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { Skeleton } from '@/components/spinner';
import { useFocusAfterRemoval } from '@/lib/focus';
import { useContainers } from '../api/get-containers';
import { ContainerTable } from './container-table';
import { LaunchesPanel } from './launches-panel';
import { PresetsPanel } from './presets-panel';
import { RunDialog } from './run-dialog';

/**
 * The newest first, by what never changes: a row stays where it is when its container starts
 * or stops (one sorted by state jumped away from the button just clicked).
 */
const byNewest = (a: ContainerSummary, b: ContainerSummary) =>
  b.created.localeCompare(a.created) || a.id.localeCompare(b.id);

function ContainersSkeleton() {
  return (
    <div role="status" aria-label="Loading containers" className="space-y-3">
      <Skeleton className="h-48" />
    </div>
  );
}

export function ContainersPage() {
  const containers = useContainers();
  const [running, setRunning] = useState(false);
  const all = containers.data;
  const sorted = useMemo(() => (all ? [...all].sort(byNewest) : []), [all]);
  const up = sorted.filter((c) => c.state === 'running').length;
  const heading = useRef<HTMLHeadingElement>(null);
  const rowFocus = useFocusAfterRemoval(
    sorted.map((container) => container.id),
    heading,
  );

  const runButton = (testId: string) => (
    <Button
      variant="primary"
      icon={<Play aria-hidden />}
      onClick={() => setRunning(true)}
      aria-haspopup="dialog"
      data-testid={testId}
    >
      Run container
    </Button>
  );

  return (
    <div className="space-y-8">
      <title>Containers · archdeck</title>
      <PageHeader
        title="Containers"
        count={all && (up > 0 ? `${up} running of ${all.length}` : all.length)}
        description="Containers in podman, each run as an image’s architecture: natively, or through the qemu-user emulator the kernel hands its binaries to."
        action={runButton('run-open')}
        headingRef={heading}
      />

      {/* First: a run whose dialog was closed while its image is pulled shows here, in view. */}
      <LaunchesPanel />

      <PresetsPanel />

      {containers.isPending ? (
        <ContainersSkeleton />
      ) : !all ? (
        <ErrorNotice
          title="Could not load the containers"
          error={containers.error}
          onRetry={() => void containers.refetch()}
        />
      ) : all.length === 0 ? (
        <EmptyState icon={<Container />} title="No containers yet">
          <p>
            Run any image as any architecture the registry offers, or start with one of the presets
            above.
          </p>
          <div className="mt-4 flex justify-center">{runButton('run-open-empty')}</div>
        </EmptyState>
      ) : (
        <section aria-label="Containers" className="space-y-3">
          {containers.isError && (
            <ErrorNotice
              title="Could not refresh; showing the last known containers"
              error={containers.error}
              onRetry={() => void containers.refetch()}
            />
          )}
          <ContainerTable containers={sorted} rowFocus={rowFocus} />
        </section>
      )}

      {running && <RunDialog onClose={() => setRunning(false)} />}
    </div>
  );
}
