import { useState } from 'react';
import { Plus } from 'lucide-react';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { Skeleton } from '@/components/spinner';
import { useHosts } from '../api/get-hosts';
import { AddHostDialog } from './add-host-dialog';
import { HostCard } from './host-card';
import { KeyCard } from './key-card';

/** This machine's podman and others over SSH: where each architecture can run natively. */
export function HostsPage() {
  const hosts = useHosts();
  const [adding, setAdding] = useState(false);
  return (
    <div className="space-y-8">
      <title>Hosts · archdeck</title>
      <PageHeader
        title="Hosts"
        count={hosts.data?.length}
        description="Podman on this machine and on others over SSH. A native arm64, ppc64le or s390x machine runs its architecture without emulation."
        action={
          <Button variant="primary" onClick={() => setAdding(true)} data-testid="add-host">
            <Plus aria-hidden />
            Add host
          </Button>
        }
      />
      {hosts.isPending ? (
        <Skeleton className="h-48" />
      ) : hosts.isError ? (
        <ErrorNotice
          title="Could not load the hosts"
          error={hosts.error}
          onRetry={() => void hosts.refetch()}
        />
      ) : (
        <div className="grid items-start gap-6 lg:grid-cols-2">
          {hosts.data.map((host) => (
            <HostCard key={host.id} host={host} />
          ))}
        </div>
      )}
      <KeyCard />
      {adding && <AddHostDialog onClose={() => setAdding(false)} />}
    </div>
  );
}
