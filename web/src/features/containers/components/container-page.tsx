import { ArrowLeft, SearchX } from 'lucide-react';
import { Link, useNavigate, useParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { ApiRequestError } from '@/lib/api-client';
import { useContainer } from '../api/get-container';
import { ContainerHeader } from './container-header';
import { DiagnosisCallout } from './diagnosis-callout';
import { containerName } from './labels';
import { LogView } from './log-view';
import { TerminalPanel } from './terminal-panel';

const isNotFound = (error: unknown) => error instanceof ApiRequestError && error.status === 404;

const backLink = (
  <Link
    to="/containers"
    className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
  >
    <ArrowLeft aria-hidden className="size-4" />
    Containers
  </Link>
);

/**
 * One container: its header, kept current by the app's event stream, and its logs, live.
 * The logs stay when the container goes away (removed on exit, say): they were read already.
 */
export function ContainerPage() {
  const { id = '' } = useParams();
  const container = useContainer(id);
  const navigate = useNavigate();
  const data = container.data;

  if (!data) {
    return (
      <div className="space-y-6">
        <title>Container · archdeck</title>
        {backLink}
        {container.isPending ? (
          <div role="status" aria-label="Loading the container" className="space-y-3">
            <Skeleton className="h-16" />
            <Skeleton className="h-96" />
          </div>
        ) : isNotFound(container.error) ? (
          <EmptyState icon={<SearchX />} title="No such container">
            <p>
              There is no container <span className="font-mono break-all">{id}</span>: it may have
              been removed.
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice
            title="Could not load the container"
            error={container.error}
            onRetry={() => void container.refetch()}
          />
        )}
      </div>
    );
  }

  const name = containerName(data);
  return (
    <div className="space-y-6">
      <title>{`${name} · Containers · archdeck`}</title>
      {backLink}
      <ContainerHeader container={data} onRemoved={() => void navigate('/containers')} />
      {data.diagnosis && <DiagnosisCallout diagnosis={data.diagnosis} />}
      {container.isError &&
        (isNotFound(container.error) ? (
          <p
            role="status"
            data-testid="container-gone"
            className="rounded-lg border border-line bg-sunken px-4 py-2.5 text-sm text-muted"
          >
            This container no longer exists (it may have been removed when it exited). Its last
            known state and the logs read so far are still shown.
          </p>
        ) : (
          <ErrorNotice
            title="Could not refresh; showing the last known state"
            error={container.error}
            onRetry={() => void container.refetch()}
          />
        ))}
      {data.state === 'running' && <TerminalPanel key={`terminal-${id}`} container={data} />}
      <LogView
        key={`logs-${id}`}
        containerId={id}
        fileName={name}
        runningSince={data.state === 'running' ? container.dataUpdatedAt : null}
      />
    </div>
  );
}
