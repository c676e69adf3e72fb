import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ListTree, Plus } from 'lucide-react';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { Skeleton } from '@/components/spinner';
import { useManifests } from '../api/get-manifests';
import { usePushes } from '../api/get-pushes';
import { CreateManifestDialog } from './create-manifest-dialog';
import { ManifestCard } from './manifest-card';

/**
 * Manifest lists: drafts the daemon keeps (a name and local images, one per platform), each
 * pushed to its registry as one multi-arch reference. A link from a build
 * (`?name=…&images=a,b`) opens the new-list dialog with its images ticked.
 */
export function ManifestsPage() {
  const manifests = useManifests();
  const pushes = usePushes();
  const [params, setParams] = useSearchParams();
  const asked = params.has('images');
  const [creating, setCreating] = useState(asked);
  const heading = useRef<HTMLHeadingElement>(null);

  const close = () => {
    setCreating(false);
    // The build's link has done its part; a reload should not open the dialog again.
    if (asked) setParams({}, { replace: true });
  };

  const newButton = (testId: string) => (
    <Button
      variant="primary"
      icon={<Plus aria-hidden />}
      onClick={() => setCreating(true)}
      aria-haspopup="dialog"
      data-testid={testId}
    >
      New manifest list
    </Button>
  );

  return (
    <div className="space-y-8">
      <title>Manifests · archdeck</title>
      <PageHeader
        title="Manifests"
        count={manifests.data?.length}
        description="Publish one reference that serves every architecture: a list of local images, one per platform, pushed with all its images. Until you push, the list is archdeck’s alone: podman keeps none (in podman 4.3, a local list without this host’s platform would stop its image listing)."
        action={newButton('manifest-new')}
        headingRef={heading}
      />
      {manifests.isPending ? (
        <Skeleton className="h-40" />
      ) : !manifests.data ? (
        <ErrorNotice
          title="Could not load the manifest lists"
          error={manifests.error}
          onRetry={() => void manifests.refetch()}
        />
      ) : manifests.data.length === 0 ? (
        <EmptyState icon={<ListTree />} title="No manifest lists yet">
          <p>
            Build an image for several platforms on the Build page and publish it from there, or
            make a list from local images.
          </p>
          <div className="mt-4 flex justify-center">{newButton('manifest-new-empty')}</div>
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {manifests.data.map((list) => (
            <ManifestCard key={list.id} list={list} pushes={pushes.data ?? []} />
          ))}
        </div>
      )}
      {creating && (
        <CreateManifestDialog
          initialName={params.get('name') ?? ''}
          initialImages={(params.get('images') ?? '').split(',').filter(Boolean)}
          onClose={close}
          onCreated={close}
        />
      )}
    </div>
  );
}
