import { useMemo, useRef, useState } from 'react';
import type { ImageSummary } from '@archdeck/shared';
import { Download, Layers, SearchX } from 'lucide-react';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { Skeleton } from '@/components/spinner';
import { useFocusAfterRemoval } from '@/lib/focus';
import { useLocalImages } from '@/lib/local-images';
import type { LocalImage } from '@/lib/run-target';
import { ImageDetailDrawer, type RegistryTagsSlot } from './image-detail-drawer';
import { ImageFilters } from './image-filters';
import { ImageTable } from './image-table';
import { compareImages, runTarget } from './labels';
import { PullDialog } from './pull-dialog';
import { PullsPanel } from './pulls-panel';

function ImagesSkeleton() {
  return (
    <div role="status" aria-label="Loading images" className="space-y-3">
      <Skeleton className="h-9 w-72" />
      <Skeleton className="h-64" />
    </div>
  );
}

function matches(image: ImageSummary, needle: string): boolean {
  if (!needle) return true;
  return [...image.repoTags, ...image.repoDigests, image.id, image.platform].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

/** Each architecture present, most common first, with how many images have it. */
function architecturesOf(images: ImageSummary[]): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const image of images) {
    counts.set(image.architecture, (counts.get(image.architecture) ?? 0) + 1);
  }
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/**
 * The local images. With `onRun`, each offers Run (its row and its details): the app opens the
 * Run dialog with it, since that dialog is the Containers feature's. `registryTags` is what
 * the details show of an image's repository in its registry: the Registries feature's.
 */
export function ImagesPage({
  onRun,
  registryTags,
}: {
  onRun?: (image: LocalImage) => void;
  registryTags?: RegistryTagsSlot;
}) {
  const images = useLocalImages();
  const [pulling, setPulling] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [arches, setArches] = useState<ReadonlySet<string>>(new Set());

  const all = images.data;
  const sorted = useMemo(() => (all ? [...all].sort(compareImages) : []), [all]);
  const architectures = useMemo(() => architecturesOf(sorted), [sorted]);
  // A chosen architecture whose last image went away stops filtering rather than hiding all.
  const activeArches = new Set(
    [...arches].filter((arch) => architectures.some((a) => a.name === arch)),
  );
  const needle = query.trim().toLowerCase();
  const shown = sorted.filter(
    (image) =>
      (activeArches.size === 0 || activeArches.has(image.architecture)) && matches(image, needle),
  );

  const heading = useRef<HTMLHeadingElement>(null);
  const rowFocus = useFocusAfterRemoval(
    shown.map((image) => image.id),
    heading,
  );

  const toggleArch = (arch: string) => {
    const next = new Set(activeArches);
    if (next.has(arch)) next.delete(arch);
    else next.add(arch);
    setArches(next);
  };
  const run =
    onRun &&
    ((image: ImageSummary) => {
      const target = runTarget(image);
      if (!target) return;
      // The details close first, so that focus goes back to the row before the dialog opens.
      setOpenId(null);
      onRun(target);
    });
  const clearFilters = () => {
    setQuery('');
    setArches(new Set());
  };
  const pullButton = (testId: string) => (
    <Button
      variant="primary"
      icon={<Download aria-hidden />}
      onClick={() => setPulling(true)}
      data-testid={testId}
    >
      Pull image
    </Button>
  );

  return (
    <div className="space-y-8">
      <title>Images · archdeck</title>
      <PageHeader
        title="Images"
        count={all?.length}
        description="Images in podman’s storage, one row per architecture. Each says whether this host runs it natively, through a qemu-user emulator, or not at all."
        action={pullButton('pull-open')}
        headingRef={heading}
      />

      <PullsPanel />

      {images.isPending ? (
        <ImagesSkeleton />
      ) : !all ? (
        <ErrorNotice
          title="Could not load the images"
          error={images.error}
          onRetry={() => void images.refetch()}
        />
      ) : all.length === 0 ? (
        <EmptyState icon={<Layers />} title="No images yet">
          <p>
            Pull one for any architecture the registry offers; foreign ones run through the
            emulators registered on this host.
          </p>
          <div className="mt-4 flex justify-center">{pullButton('pull-open-empty')}</div>
        </EmptyState>
      ) : (
        <section aria-label="Local images" className="space-y-3">
          {images.isError && (
            <ErrorNotice
              title="Could not refresh; showing the last known images"
              error={images.error}
              onRetry={() => void images.refetch()}
            />
          )}
          <ImageFilters
            query={query}
            onQuery={setQuery}
            architectures={architectures}
            selected={activeArches}
            onToggle={toggleArch}
          />
          {shown.length === 0 ? (
            <EmptyState icon={<SearchX />} title="No image matches">
              <button
                type="button"
                onClick={clearFilters}
                className="font-medium text-fg underline underline-offset-4"
              >
                Clear the filters
              </button>
            </EmptyState>
          ) : (
            <ImageTable images={shown} onOpen={setOpenId} onRun={run} rowFocus={rowFocus} />
          )}
          {shown.length > 0 && shown.length < all.length && (
            <p role="status" className="text-xs text-subtle">
              Showing {shown.length} of {all.length} images.
            </p>
          )}
        </section>
      )}

      {openId && (
        <ImageDetailDrawer
          id={openId}
          summary={all?.find((image) => image.id === openId) ?? null}
          onClose={() => setOpenId(null)}
          onRun={run}
          registryTags={registryTags}
        />
      )}
      {pulling && <PullDialog onClose={() => setPulling(false)} />}
    </div>
  );
}
