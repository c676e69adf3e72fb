import { useId, useState } from 'react';
import clsx from 'clsx';
import { samePlatform, type ImageSummary, type ManifestList } from '@archdeck/shared';
import { ListTree, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { DialogForm } from '@/components/dialog-form';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { dialogFooterClass, monoInputClass, verbatimTextProps } from '@/components/form';
import { PlatformChip } from '@/components/platform-chip';
import { SearchBox } from '@/components/search-box';
import { Skeleton } from '@/components/spinner';
import { useLocalImages } from '@/lib/local-images';
import { useCreateManifest } from '../api/change-manifest';
import { imageLabel } from './labels';

/** Local images a list can hold: tagged ones first, the newest first within a name. */
const byName = (a: ImageSummary, b: ImageSummary) =>
  imageLabel(a).localeCompare(imageLabel(b)) || a.platform.localeCompare(b.platform);

/**
 * A new manifest list: where it will be published, and local images for it, one per platform
 * (those chosen on the Build page come ticked).
 */
export function CreateManifestDialog({
  initialName,
  initialImages,
  onClose,
  onCreated,
}: {
  initialName: string;
  initialImages: string[];
  onClose: () => void;
  onCreated: (list: ManifestList) => void;
}) {
  const images = useLocalImages();
  const create = useCreateManifest();
  const [name, setName] = useState(initialName);
  const [chosen, setChosen] = useState<string[]>(initialImages);
  const [filter, setFilter] = useState('');
  const ids = { name: useId(), nameHint: useId() };

  const all = [...(images.data ?? [])].sort(byName);
  const query = filter.trim().toLowerCase();
  const shown = all.filter(
    (i) =>
      chosen.includes(i.id) ||
      !query ||
      imageLabel(i).toLowerCase().includes(query) ||
      i.platform.includes(query),
  );
  const picked = all.filter((i) => chosen.includes(i.id));
  const clash = picked.find((a) =>
    picked.some((b) => b !== a && samePlatform(a.platform, b.platform)),
  );
  const blocked = !name.trim()
    ? 'Name where to publish it'
    : picked.length === 0
      ? 'Choose at least one image'
      : clash
        ? `Two images for ${clash.platform}: a list holds one per platform`
        : null;

  const submit = () => {
    if (blocked) return;
    create.mutate({ name: name.trim(), images: picked.map((i) => i.id) }, { onSuccess: onCreated });
  };

  return (
    <Dialog
      title="New manifest list"
      description="One reference that serves every architecture: a pull gets the image for its own platform."
      onClose={onClose}
      data-testid="manifest-create-dialog"
    >
      <DialogForm onSubmit={submit}>
        <div className="space-y-5">
          <div>
            <FieldLabel htmlFor={ids.name}>Publish as</FieldLabel>
            <input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="registry.example:5000/team/app:1.0"
              aria-describedby={ids.nameHint}
              data-testid="manifest-name"
              data-autofocus
              className={monoInputClass}
              {...verbatimTextProps}
            />
            <p id={ids.nameHint} className="mt-1.5 text-xs text-muted">
              The registry, repository and tag the list is pushed to. Nothing is pushed until you
              press Push; podman’s login (<span className="font-mono">podman login</span>) and
              registries.conf apply.
            </p>
          </div>

          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Images, one per platform</legend>
            <SearchBox
              value={filter}
              onChange={setFilter}
              label="Filter images"
              clearLabel="Clear the filter"
              placement="toolbar"
              placeholder="Filter by name or platform"
            />
            {images.isPending ? (
              <Skeleton className="h-40" />
            ) : !images.data ? (
              <ErrorNotice
                title="Could not load the local images"
                error={images.error}
                onRetry={() => void images.refetch()}
              />
            ) : shown.length === 0 ? (
              <p className="text-sm text-muted">
                {all.length === 0
                  ? 'There are no local images: build or pull some first.'
                  : 'No image matches.'}
              </p>
            ) : (
              <ul className="grid max-h-72 gap-1 overflow-y-auto rounded-lg border border-line bg-canvas p-1.5">
                {shown.map((image) => {
                  const on = chosen.includes(image.id);
                  return (
                    <li key={image.id}>
                      <label
                        className={clsx(
                          'flex cursor-pointer items-center gap-2.5 rounded-md px-2.5 py-2 text-sm hover:bg-sunken',
                          on && 'bg-surface ring-1 ring-line',
                          'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-zinc-500',
                        )}
                      >
                        <input
                          type="checkbox"
                          checked={on}
                          onChange={(e) =>
                            setChosen(
                              e.target.checked
                                ? [...chosen, image.id]
                                : chosen.filter((id) => id !== image.id),
                            )
                          }
                          data-testid={`manifest-image-${image.shortId}`}
                          className="size-4 accent-zinc-900 dark:accent-zinc-100"
                        />
                        <span className="min-w-0 flex-1 font-mono text-[13px] break-all">
                          {imageLabel(image)}
                        </span>
                        <PlatformChip platform={image.platform} />
                      </label>
                    </li>
                  );
                })}
              </ul>
            )}
            {clash && (
              <p className="flex gap-2 text-sm text-amber-800 dark:text-amber-300">
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                Two images for {clash.platform}: keep one.
              </p>
            )}
          </fieldset>

          {create.isError && <ErrorNotice title="Could not make the list" error={create.error} />}
        </div>
        <div className={clsx(dialogFooterClass, 'mt-6')}>
          {blocked && <span className="mr-auto text-sm text-muted">{blocked}</span>}
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            icon={<ListTree aria-hidden />}
            busy={create.isPending}
            disabledReason={blocked}
            data-testid="manifest-create-submit"
          >
            Make the list
          </Button>
        </div>
      </DialogForm>
    </Dialog>
  );
}
