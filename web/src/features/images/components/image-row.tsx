import { useRef, type MouseEvent } from 'react';
import clsx from 'clsx';
import type { ImageSummary } from '@archdeck/shared';
import { Play, Trash2, TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { columnFrom, columnWidths } from '@/components/data-table';
import { ErrorNotice } from '@/components/error-notice';
import { PlatformChip } from '@/components/platform-chip';
import { RunBadge } from '@/components/run-badge';
import { formatBytes, formatDateTime, formatRelativeTime } from '@/lib/format';
import { useDeleteImage } from '../api/delete-image';
import { imageName, runBlocked } from './labels';
import { ReferenceText } from '@/components/reference-text';

/** From which table width the columns after the image show; its actions always do. */
const from = columnWidths({ platform: 'md', runs: '2xl', size: '2xl', created: '4xl' });

/** The header row's columns (the actions column follows them), in the row's cells' order. */
export const imageColumns = [
  { label: 'Image' },
  { label: 'Platform', from: from.platform },
  { label: 'Runs', from: from.runs },
  { label: 'Size', from: from.size, className: 'text-right' },
  { label: 'Created', from: from.created },
];

/** Image, platform, runs, size, created, actions: the confirm step spans them all. */
const COLUMNS = 6;

/** The platform, and a warning when the image's config disagrees with it. */
function Platform({ image, testIds }: { image: ImageSummary; testIds: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <span data-testid={testIds ? `image-arch-${image.shortId}` : undefined}>
        <PlatformChip platform={image.platform} />
      </span>
      {image.archMismatch && (
        <Badge
          tone="warning"
          title={`Pulled for ${image.archMismatch.requested}, but its config says ${image.archMismatch.actual}: the publisher may have mislabelled it.`}
          data-testid={testIds ? `image-mismatch-${image.shortId}` : undefined}
        >
          <TriangleAlert aria-hidden className="-ml-0.5 size-3" />
          arch mismatch
        </Badge>
      )}
    </div>
  );
}

/** How this host runs the image. */
const Runs = ({ image, testIds }: { image: ImageSummary; testIds: boolean }) => (
  <RunBadge
    badge={image.badge}
    platform={image.platform}
    data-testid={testIds ? `image-badge-${image.shortId}` : undefined}
  />
);

/**
 * One image: click (or Enter on its name) opens the details; Run opens the Run dialog with it
 * (when the page is given `onRun`); delete asks first.
 */
export function ImageRow({
  image,
  onOpen,
  onRun,
}: {
  image: ImageSummary;
  onOpen: () => void;
  onRun?: () => void;
}) {
  const remove = useDeleteImage();
  const step = useConfirmStep(() => remove.reset());
  const nameButton = useRef<HTMLButtonElement>(null);
  const name = imageName(image);
  const [primary, ...otherTags] = image.repoTags;

  // The whole row opens the details for a pointer; its buttons keep their own meaning. The
  // name button takes focus first, so closing the details returns focus to this row.
  const onRowClick = (event: MouseEvent<HTMLTableRowElement>) => {
    if ((event.target as Element).closest('button, a, input')) return;
    nameButton.current?.focus();
    onOpen();
  };

  return (
    <>
      <tr
        data-row-id={image.id}
        data-testid={`image-row-${image.shortId}`}
        onClick={onRowClick}
        className={clsx(
          'cursor-pointer align-top hover:bg-sunken/60',
          step.confirming && 'border-b-0',
        )}
      >
        <th scope="row" className="min-w-40 px-4 py-3 text-left font-normal @3xl:min-w-48">
          <button
            ref={nameButton}
            type="button"
            onClick={onOpen}
            aria-haspopup="dialog"
            className="max-w-full rounded text-left font-mono text-[13px] font-medium hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
          >
            {primary ? (
              <ReferenceText value={primary} />
            ) : (
              <>
                <span className="font-sans text-subtle italic">&lt;untagged&gt;</span>{' '}
                {image.shortId}
              </>
            )}
          </button>
          {otherTags.length > 0 && (
            <ul className="mt-0.5 space-y-0.5">
              {otherTags.map((tag) => (
                <li key={tag} className="font-mono text-xs text-muted">
                  <ReferenceText value={tag} />
                </li>
              ))}
            </ul>
          )}
          {primary && <p className="mt-0.5 font-mono text-xs text-subtle">{image.shortId}</p>}
          {/* What the narrower table has no column for. */}
          <div className={clsx('mt-1.5 space-y-1.5', columnFrom[from.platform].inline)}>
            <Platform image={image} testIds={false} />
            <Runs image={image} testIds={false} />
          </div>
        </th>
        <td className={clsx('px-4 py-3', columnFrom[from.platform].cell)}>
          <Platform image={image} testIds />
          <div className={clsx('mt-1.5 whitespace-nowrap', columnFrom[from.runs].inline)}>
            <Runs image={image} testIds={false} />
          </div>
        </td>
        <td className={clsx('px-4 py-3 whitespace-nowrap', columnFrom[from.runs].cell)}>
          <Runs image={image} testIds />
        </td>
        <td
          className={clsx(
            'px-4 py-3 text-right whitespace-nowrap tabular-nums',
            columnFrom[from.size].cell,
          )}
        >
          {formatBytes(image.size)}
        </td>
        <td
          className={clsx('px-4 py-3 whitespace-nowrap text-muted', columnFrom[from.created].cell)}
        >
          <time dateTime={image.created} title={formatDateTime(image.created)}>
            {formatRelativeTime(image.created)}
          </time>
        </td>
        <td className="px-2 py-2 text-right whitespace-nowrap">
          {onRun && (
            <Button
              size="sm"
              variant="ghost"
              icon={<Play aria-hidden />}
              onClick={onRun}
              disabledReason={runBlocked(image)}
              aria-haspopup="dialog"
              aria-label={`Run ${name}`}
              title={`Run ${name} as ${image.platform}`}
              data-testid={`image-run-${image.shortId}`}
            >
              <span className="hidden @2xl:inline">Run</span>
            </Button>
          )}
          <Button
            {...step.triggerProps}
            size="sm"
            variant="ghost"
            icon={<Trash2 aria-hidden />}
            aria-label={`Delete ${name}`}
            title={`Delete ${name}`}
            className="text-subtle hover:bg-red-500/10 hover:text-red-700 dark:hover:text-red-400"
            data-testid={`image-delete-${image.shortId}`}
          />
        </td>
      </tr>
      {step.confirming && (
        <tr data-row-id={image.id}>
          <td colSpan={COLUMNS} className="px-4 pb-3">
            <ConfirmPanel
              step={step}
              label={`Confirm deleting ${name}`}
              message={
                <>
                  Delete <span className="font-mono font-medium break-all">{name}</span>{' '}
                  <span className="text-muted">
                    ({image.platform}, {formatBytes(image.size)})
                  </span>
                  ? Pulling it again downloads it again.
                </>
              }
              confirmLabel="Delete"
              onConfirm={() => remove.mutate(image.id)}
              busy={remove.isPending}
              data-testid={`image-delete-confirm-${image.shortId}`}
            >
              {remove.isError && (
                <div data-testid={`image-delete-error-${image.shortId}`}>
                  <ErrorNotice title={`Could not delete ${name}`} error={remove.error} />
                </div>
              )}
            </ConfirmPanel>
          </td>
        </tr>
      )}
    </>
  );
}
