import { useId, useState } from 'react';
import type { ManifestList, PushJob } from '@archdeck/shared';
import { Plus, Trash2, Upload, X } from 'lucide-react';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { CopyButton } from '@/components/copy-button';
import { ErrorNotice } from '@/components/error-notice';
import { JobStateBadge } from '@/components/job-state-badge';
import { PlatformChip } from '@/components/platform-chip';
import { ProgressBar } from '@/components/progress-bar';
import { formatRelativeTime, shortDigest } from '@/lib/format';
import { useLocalImages } from '@/lib/local-images';
import {
  useAddManifestEntry,
  useDeleteManifest,
  useRemoveManifestEntry,
} from '../api/change-manifest';
import { usePushProgress } from '../api/get-push-events';
import { useCancelPush, usePushManifest } from '../api/push-manifest';
import { imageLabel } from './labels';

const testId = (platform: string) => platform.replaceAll('/', '-');

function Entries({ list }: { list: ManifestList }) {
  const remove = useRemoveManifestEntry();
  if (list.entries.length === 0) {
    return <p className="text-sm text-muted">No images yet: add one for each platform below.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Images in {list.name}</caption>
        <thead className="text-xs text-muted">
          <tr>
            <th scope="col" className="py-1.5 pr-4 font-medium">
              Platform
            </th>
            <th scope="col" className="py-1.5 pr-4 font-medium">
              Image
            </th>
            <th scope="col" className="hidden py-1.5 pr-4 font-medium sm:table-cell">
              Local digest
            </th>
            <th scope="col" className="py-1.5">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {list.entries.map((entry) => (
            <tr key={entry.imageId} data-testid={`manifest-entry-${testId(entry.platform)}`}>
              <td className="py-2 pr-4 align-top">
                <PlatformChip platform={entry.platform} />
              </td>
              <td className="py-2 pr-4 align-top">
                <span className="font-mono text-[13px] break-all">
                  {entry.repoTags[0] ?? `<untagged>`}
                </span>{' '}
                <span className="font-mono text-xs text-subtle" title={entry.imageId}>
                  {entry.imageId.slice(0, 12)}
                </span>
                {!entry.present && (
                  <span className="block text-xs text-red-700 dark:text-red-400">
                    This image is gone: remove it, or build it again.
                  </span>
                )}
              </td>
              <td
                className="hidden py-2 pr-4 align-top font-mono text-xs sm:table-cell"
                title={entry.digest ?? ''}
              >
                {entry.digest ? (
                  shortDigest(entry.digest)
                ) : (
                  <span className="text-subtle italic">unknown</span>
                )}
              </td>
              <td className="py-2 text-right align-top">
                <Button
                  size="sm"
                  variant="ghost"
                  icon={<X aria-hidden />}
                  busy={remove.isPending && remove.variables?.imageId === entry.imageId}
                  onClick={() => remove.mutate({ id: list.id, imageId: entry.imageId })}
                  aria-label={`Remove the ${entry.platform} image from ${list.name}`}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {remove.isError && <ErrorNotice title="Could not remove the image" error={remove.error} />}
    </div>
  );
}

/** A select of the local images the list does not hold yet, and Add. */
function AddEntry({ list }: { list: ManifestList }) {
  const images = useLocalImages();
  const add = useAddManifestEntry();
  const [choice, setChoice] = useState('');
  const id = useId();
  const inList = new Set(list.entries.map((e) => e.imageId));
  const options = (images.data ?? []).filter((i) => !inList.has(i.id));
  if (options.length === 0) return null;
  return (
    <div className="space-y-2">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (choice)
            add.mutate({ id: list.id, image: choice }, { onSuccess: () => setChoice('') });
        }}
      >
        <div className="min-w-0 flex-1">
          <label htmlFor={id} className="block text-xs font-medium text-muted">
            Add an image
          </label>
          <select
            id={id}
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
            className="mt-1 block w-full rounded-lg border border-line bg-canvas px-2 py-1.5 font-mono text-[13px] outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30"
          >
            <option value="">Choose a local image…</option>
            {options.map((image) => (
              <option key={image.id} value={image.id}>
                {imageLabel(image)} ({image.platform})
              </option>
            ))}
          </select>
        </div>
        <Button
          type="submit"
          size="sm"
          icon={<Plus aria-hidden />}
          busy={add.isPending}
          disabledReason={choice ? null : 'Choose an image first'}
        >
          Add
        </Button>
      </form>
      {add.isError && <ErrorNotice title="Could not add the image" error={add.error} />}
    </div>
  );
}

/** A push, followed while it runs: images copied of all, podman's last line, Cancel. */
function PushProgress({ snapshot }: { snapshot: PushJob }) {
  const job = usePushProgress(snapshot) ?? snapshot;
  const cancel = useCancelPush();
  const running = job.state === 'running';
  return (
    <div className="space-y-2" data-testid="manifest-push">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">Push</span>
        <JobStateBadge state={job.state} data-testid="manifest-push-state" />
        <span className="text-xs text-subtle">
          {formatRelativeTime(job.finishedAt ?? job.startedAt)}
        </span>
        {running && (
          <Button
            size="sm"
            variant="ghost"
            icon={<X aria-hidden />}
            busy={cancel.isPending}
            onClick={() => cancel.mutate(job.id)}
            className="ml-auto"
          >
            Cancel push
          </Button>
        )}
      </div>
      {running && (
        <>
          <ProgressBar
            value={job.images > 0 ? job.copied / job.images : null}
            label={`Pushing ${job.name}`}
            valueText={`${job.copied} of ${job.images} images`}
          />
          <p className="truncate font-mono text-xs text-muted" title={job.output.at(-1)}>
            {job.output.at(-1) ?? 'Making the list in podman…'}
          </p>
        </>
      )}
      {job.error && job.state !== 'succeeded' && (
        <ErrorNotice title={`The push ${job.state}`} error={job.error} />
      )}
      {cancel.isError && <ErrorNotice title="Could not cancel the push" error={cancel.error} />}
    </div>
  );
}

/** What the registry served after the last push: each platform's digest, matched to its image. */
function PushedIndex({ list }: { list: ManifestList }) {
  const pushed = list.pushed;
  if (!pushed) return null;
  return (
    <div
      className="space-y-2 rounded-lg border border-line bg-canvas px-4 py-3"
      data-testid="manifest-pushed"
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <span className="font-medium">In the registry</span>
        <span className="font-mono text-xs break-all">{pushed.reference}</span>
        <span className="font-mono text-xs text-subtle" title={pushed.digest}>
          {shortDigest(pushed.digest)}
        </span>
        <CopyButton
          text={`${pushed.reference.replace(/:[^:/]+$/, '')}@${pushed.digest}`}
          label="Copy the index’s digest reference"
          iconOnly
        />
      </p>
      <ul className="space-y-1 text-sm">
        {pushed.platforms.map((p) => (
          <li
            key={p.digest}
            className="flex flex-wrap items-center gap-2"
            data-testid={`manifest-pushed-${testId(p.platform)}`}
          >
            <PlatformChip platform={p.platform} />
            <span className="font-mono text-xs" title={p.digest}>
              {shortDigest(p.digest)}
            </span>
            <span className="text-xs text-muted">
              {p.imageId ? `image ${p.imageId.slice(0, 12)}` : 'not one of the list’s images'}
            </span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-muted">
        A platform’s digest in the registry differs from its local one: podman compresses the layers
        as it pushes. The image is the same (its config digest is the image id).
      </p>
    </div>
  );
}

/** One list: its images, adding and removing them, pushing it, and what the registry serves. */
export function ManifestCard({ list, pushes }: { list: ManifestList; pushes: PushJob[] }) {
  const push = usePushManifest();
  const remove = useDeleteManifest();
  const step = useConfirmStep(() => remove.reset());
  const headingId = useId();
  const latest =
    pushes.find((p) => p.manifestId === list.id && p.state === 'running') ??
    pushes.find((p) => p.id === list.lastPushId) ??
    null;
  const missing = list.entries.some((e) => !e.present);
  const running = latest?.state === 'running';

  return (
    <section
      aria-labelledby={headingId}
      data-testid={`manifest-${list.id}`}
      className="space-y-4 rounded-xl border border-line bg-surface px-5 py-4 shadow-xs"
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h2 id={headingId} className="min-w-0 font-mono text-sm font-semibold break-all">
          {list.name}
        </h2>
        <span className="text-xs text-muted">
          {list.entries.length} platform{list.entries.length === 1 ? '' : 's'}
        </span>
        <span className="ml-auto flex gap-2">
          <Button
            variant="primary"
            size="sm"
            icon={<Upload aria-hidden />}
            busy={push.isPending || running}
            disabledReason={
              list.entries.length === 0
                ? 'Add an image first'
                : missing
                  ? 'An image of the list is gone'
                  : null
            }
            onClick={() => push.mutate(list.id)}
            data-testid="manifest-push-button"
          >
            Push
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon={<Trash2 aria-hidden />}
            aria-label={`Remove the list ${list.name}`}
            {...step.triggerProps}
          >
            Remove
          </Button>
        </span>
      </header>
      {step.confirming && (
        <ConfirmPanel
          step={step}
          label={`Confirm removing ${list.name}`}
          message="archdeck forgets this list. Its images stay, and so does what was pushed."
          confirmLabel="Remove the list"
          onConfirm={() => remove.mutate(list.id)}
          busy={remove.isPending}
          data-testid="manifest-remove-confirm"
        >
          {remove.isError && <ErrorNotice title="Could not remove the list" error={remove.error} />}
        </ConfirmPanel>
      )}
      <Entries list={list} />
      <AddEntry list={list} />
      {push.isError && <ErrorNotice title="Could not start the push" error={push.error} />}
      {latest && <PushProgress key={latest.id} snapshot={latest} />}
      <PushedIndex list={list} />
    </section>
  );
}
