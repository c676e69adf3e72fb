import { useId, type ReactNode } from 'react';
import type { ImageDetail, ImageSummary } from '@archdeck/shared';
import { Play, TriangleAlert } from 'lucide-react';
import { Count } from '@/components/badge';
import { Button } from '@/components/button';
import { Copyable } from '@/components/copy-button';
import { Detail, DetailList } from '@/components/detail-list';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { PlatformChip } from '@/components/platform-chip';
import { RunBadge } from '@/components/run-badge';
import { Skeleton } from '@/components/spinner';
import { formatBytes, formatDateTime, formatRelativeTime, shortDigest } from '@/lib/format';
import { useImage } from '../api/get-image';
import { DigestDetails } from './image-digests';
import { imageName, registryRepository, runBlocked } from './labels';

function Section({
  title,
  count,
  children,
}: {
  title: string;
  count?: number;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <h3 id={headingId} className="flex items-center gap-2 text-sm font-semibold">
        {title}
        {count !== undefined && <Count>{count}</Count>}
      </h3>
      {children}
    </section>
  );
}

const None = ({ children = 'none' }: { children?: ReactNode }) => (
  <p className="text-sm text-subtle italic">{children}</p>
);

/** A small table of details: a header cell per column, the rows as children. */
function DetailTable({
  columns,
  bodyClassName,
  children,
}: {
  columns: string[];
  bodyClassName: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line">
      <table className="w-full text-left text-xs">
        <thead className="border-b border-line text-subtle">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-3 py-1.5 font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={bodyClassName}>{children}</tbody>
      </table>
    </div>
  );
}

/** Entrypoint and Cmd as the JSON arrays podman stores: each argument exactly as it is. */
const argv = (args: string[] | null) => (args === null ? null : JSON.stringify(args));

/** What the app shows of a repository in its registry (its tags), under the image's tags. */
export type RegistryTagsSlot = (repository: string) => ReactNode;

function Body({ image, registryTags }: { image: ImageDetail; registryTags?: RegistryTagsSlot }) {
  const labels = Object.entries(image.labels).sort(([a], [b]) => a.localeCompare(b));
  const repository = registryRepository(image.name);
  return (
    <div className="space-y-7">
      {image.archMismatch && (
        <p
          role="note"
          className="flex gap-2 rounded-lg border border-amber-500/40 bg-amber-500/5 px-3 py-2.5 text-sm text-amber-900 dark:text-amber-200"
        >
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            Pulled for <span className="font-mono">{image.archMismatch.requested}</span>, but its
            config says <span className="font-mono">{image.archMismatch.actual}</span>: the
            publisher may have mislabelled it, and it may not run as expected.
          </span>
        </p>
      )}

      <DetailList>
        <Detail term="Runs">
          <RunBadge badge={image.badge} platform={image.platform} explained />
        </Detail>
        <Detail term="Name" mono>
          {image.name}
        </Detail>
        <Detail term="Tags">
          {image.repoTags.length === 0 ? (
            <span className="text-subtle italic">untagged</span>
          ) : (
            <ul className="space-y-1">
              {image.repoTags.map((tag) => (
                <li key={tag}>
                  <Copyable value={tag} label={`Copy ${tag}`} />
                </li>
              ))}
            </ul>
          )}
          {repository && registryTags?.(repository)}
        </Detail>
        <DigestDetails image={image} />
        <Detail term="Image ID">
          <Copyable value={image.id} label="Copy image ID" />
        </Detail>
        <Detail term="Architecture" mono data-testid="image-detail-architecture">
          {image.architecture}
        </Detail>
        <Detail term="OS" mono data-testid="image-detail-os">
          {image.os}
        </Detail>
        {image.variant && (
          <Detail term="Variant" mono>
            {image.variant}
          </Detail>
        )}
        <Detail term="Size">{formatBytes(image.size)}</Detail>
        <Detail term="Created" data-testid="image-detail-created">
          <time dateTime={image.created} title={formatDateTime(image.created)}>
            <span className="font-mono text-[13px]">{image.created}</span>{' '}
            <span className="text-muted">({formatRelativeTime(image.created)})</span>
          </time>
        </Detail>
        <Detail term="Docker version" mono>
          {image.dockerVersion || null}
        </Detail>
        <Detail term="Entrypoint" mono>
          {argv(image.entrypoint) ?? <span className="text-subtle italic">not set</span>}
        </Detail>
        <Detail term="Cmd" mono>
          {argv(image.cmd) ?? <span className="text-subtle italic">not set</span>}
        </Detail>
        <Detail term="Working dir" mono>
          {image.workingDir || <span className="font-sans text-subtle italic">not set (/)</span>}
        </Detail>
        <Detail term="User" mono>
          {image.user || <span className="font-sans text-subtle italic">not set (root)</span>}
        </Detail>
      </DetailList>

      <Section title="Environment" count={image.env.length}>
        {image.env.length === 0 ? (
          <None />
        ) : (
          <ul className="space-y-1 rounded-lg bg-sunken px-3 py-2.5 font-mono text-xs">
            {image.env.map((line, index) => (
              <li key={`${index}:${line}`} className="break-all">
                {line}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Labels" count={labels.length}>
        {labels.length === 0 ? (
          <None />
        ) : (
          <DetailTable columns={['Key', 'Value']} bodyClassName="divide-y divide-line font-mono">
            {labels.map(([key, value]) => (
              <tr key={key} className="align-top">
                <th scope="row" className="px-3 py-1.5 font-medium break-all">
                  {key}
                </th>
                <td className="px-3 py-1.5 break-all">{value}</td>
              </tr>
            ))}
          </DetailTable>
        )}
      </Section>

      <Section title="Layers" count={image.layers.length}>
        {image.layers.length === 0 ? (
          <None />
        ) : (
          <ol className="space-y-1 font-mono text-xs">
            {image.layers.map((layer, index) => (
              <li key={`${index}:${layer}`} className="flex gap-3">
                <span className="w-5 shrink-0 text-right text-subtle tabular-nums">
                  {index + 1}
                </span>
                <span className="min-w-0 break-all" title={layer}>
                  {layer}
                </span>
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section title="History" count={image.history.length}>
        {image.history.length === 0 ? (
          <None />
        ) : (
          <DetailTable
            columns={['Created', 'Created by', 'Layer']}
            bodyClassName="divide-y divide-line"
          >
            {image.history.map((entry, index) => (
              <tr key={index} className="align-top">
                <td className="px-3 py-1.5 whitespace-nowrap text-muted">
                  {entry.created ? (
                    <time dateTime={entry.created} title={formatDateTime(entry.created)}>
                      {formatRelativeTime(entry.created)}
                    </time>
                  ) : (
                    <span className="italic">unknown</span>
                  )}
                </td>
                <td className="px-3 py-1.5">
                  <code className="font-mono break-all whitespace-pre-wrap">{entry.createdBy}</code>
                  {entry.comment && <p className="mt-0.5 text-muted">{entry.comment}</p>}
                </td>
                <td className="px-3 py-1.5 whitespace-nowrap text-muted">
                  {entry.emptyLayer ? 'empty' : 'layer'}
                </td>
              </tr>
            ))}
          </DetailTable>
        )}
      </Section>
    </div>
  );
}

function BodySkeleton() {
  return (
    <div role="status" aria-label="Loading the image's details" className="space-y-3">
      {Array.from({ length: 8 }, (_, index) => (
        <Skeleton key={index} className="h-5" />
      ))}
    </div>
  );
}

/**
 * Everything skopeo knows about one image, in a panel on the right. `summary` is the list's
 * row, shown at once while the details load (and null if the image is gone from the list).
 */
export function ImageDetailDrawer({
  id,
  summary,
  onClose,
  onRun,
  registryTags,
}: {
  id: string;
  summary: ImageSummary | null;
  onClose: () => void;
  /** Closes the details and opens the Run dialog with the image. */
  onRun?: (image: ImageSummary) => void;
  registryTags?: RegistryTagsSlot;
}) {
  const image = useImage(id);
  const shown = image.data ?? summary;
  return (
    <Dialog
      placement="side"
      title={shown ? imageName(shown) : shortDigest(id)}
      description={
        shown && (
          <span className="flex flex-wrap items-center gap-2">
            <PlatformChip platform={shown.platform} />
            <span className="font-mono text-xs">{shown.shortId}</span>
          </span>
        )
      }
      onClose={onClose}
      data-testid="image-detail"
    >
      {shown && onRun && (
        <div className="mb-5 flex flex-wrap items-center gap-x-3 gap-y-2">
          <Button
            variant="primary"
            icon={<Play aria-hidden />}
            onClick={() => onRun(shown)}
            disabledReason={runBlocked(shown)}
            aria-haspopup="dialog"
            data-testid="image-detail-run"
          >
            Run as {shown.platform}
          </Button>
          <span className="text-xs text-muted">
            Opens the Run dialog with this image; it runs as it is, without a pull.
          </span>
        </div>
      )}
      {image.data ? (
        <>
          {image.isError && (
            <div className="mb-5">
              <ErrorNotice
                title="Could not refresh; showing the last known details"
                error={image.error}
                onRetry={() => void image.refetch()}
              />
            </div>
          )}
          <Body image={image.data} registryTags={registryTags} />
        </>
      ) : image.isPending ? (
        <BodySkeleton />
      ) : (
        <ErrorNotice
          title="Could not load the image's details"
          error={image.error}
          onRetry={() => void image.refetch()}
        />
      )}
    </Dialog>
  );
}
