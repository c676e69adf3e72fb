import type { ReactNode } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { useHealth } from '../api/get-health';
import { BinfmtCard } from './binfmt-card';
import { ContainerVerdict } from './container-verdict';
import { HostHeader } from './host-header';
import { PodmanCard } from './podman-card';
import { ProblemList } from './problem-list';

function HostSkeleton() {
  return (
    <div role="status" aria-label="Loading host health" className="space-y-8">
      <div className="space-y-3">
        <Skeleton className="h-3 w-32" />
        <Skeleton className="h-12 w-48" />
        <Skeleton className="h-4 w-24" />
      </div>
      <Skeleton className="h-20" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-72" />
        <Skeleton className="h-72" />
      </div>
    </div>
  );
}

/** `children`: cards other features contribute, composed in by the app (e.g. what can run). */
export function HostPage({ children }: { children?: ReactNode }) {
  const health = useHealth();

  return (
    <div className="space-y-8">
      <title>Host · archdeck</title>
      {health.isPending ? (
        <HostSkeleton />
      ) : !health.data ? (
        <ErrorNotice
          title="Could not load the host's health"
          error={health.error}
          onRetry={() => void health.refetch()}
        />
      ) : (
        <>
          {health.isError && (
            <ErrorNotice
              title="Could not refresh; showing the last known state"
              error={health.error}
              onRetry={() => void health.refetch()}
            />
          )}
          <HostHeader host={health.data.host} problems={health.data.problems} />
          <ContainerVerdict check={health.data.containers} />
          {/* The verdict above says it, with podman's words and the fix. */}
          <ProblemList
            problems={health.data.problems.filter((p) => p.id !== 'containers-cannot-start')}
          />
          {children}
          <div className="grid items-start gap-6 lg:grid-cols-2">
            <PodmanCard podman={health.data.podman} />
            <BinfmtCard binfmt={health.data.binfmt} />
          </div>
          <p className="text-xs text-subtle">archdeck {health.data.version}</p>
        </>
      )}
    </div>
  );
}
