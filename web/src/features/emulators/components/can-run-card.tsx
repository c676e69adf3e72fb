import { ArrowRight, Cpu } from 'lucide-react';
import { Link } from 'react-router';
import { Card } from '@/components/card';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { useEmulators } from '../api/get-emulators';
import { PlatformSummary } from './platform-summary';

/** The Emulators page's answer in one card, for the Host page. */
export function CanRunCard() {
  const emulators = useEmulators();
  return (
    <Card
      title="Can run"
      icon={<Cpu />}
      data-testid="host-can-run"
      aside={
        <Link
          to="/emulators"
          className="inline-flex items-center gap-1 rounded-md text-sm font-medium text-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
        >
          Emulators
          <ArrowRight aria-hidden className="size-3.5" />
        </Link>
      }
    >
      {emulators.isPending ? (
        <div role="status" aria-label="Loading what this host can run" className="flex gap-6">
          <Skeleton className="h-10 flex-1" />
          <Skeleton className="h-10 flex-1" />
          <Skeleton className="h-10 flex-1" />
        </div>
      ) : emulators.data ? (
        <PlatformSummary summary={emulators.data.summary} compact />
      ) : (
        <ErrorNotice
          title="Could not load what this host can run"
          error={emulators.error}
          onRetry={() => void emulators.refetch()}
        />
      )}
    </Card>
  );
}
