import type { ContainerSummary } from '@archdeck/shared';
import { Link } from 'react-router';
import clsx from 'clsx';
import { columnFrom, stackedRow, columnWidths } from '@/components/data-table';
import { PlatformChip } from '@/components/platform-chip';
import { ReferenceText } from '@/components/reference-text';
import { RunBadge } from '@/components/run-badge';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import {
  ContainerActionButtons,
  ContainerActionFeedback,
  useContainerControls,
} from './container-actions';
import { ContainerStateLabel, ExitCode } from './container-state';
import { commandLine, containerName, stopNote } from './labels';

/**
 * From which table width the columns between name and state show; below it the name's cell
 * shows what they would. Measured: name, platform, state and actions need about 690 px;
 * the image column 145 more, the created one 125 more.
 */
const from = columnWidths({ image: '4xl', platform: '3xl', created: '60rem' });

/** The header row's columns (the actions column follows them), in the row's cells' order. */
export const containerColumns = [
  { label: 'Name' },
  { label: 'Image', from: from.image },
  { label: 'Platform', from: from.platform },
  { label: 'State' },
  { label: 'Created', from: from.created },
];

/** Name, image, platform, state, created, actions: the confirm step spans them all. */
const CONTAINER_COLUMNS = 6;

/** The platform, how this host runs it, and the CPU model chosen; the test id only where it is a column. */
function Platform({ container, testId }: { container: ContainerSummary; testId?: string }) {
  return (
    <>
      <PlatformChip platform={container.platform} />
      <RunBadge badge={container.badge} platform={container.platform} data-testid={testId} />
      {container.cpu && (
        <span className="text-xs text-muted" title={`CPU model ${container.cpu.value}`}>
          <span className="sr-only">CPU model </span>
          {container.cpu.title}
        </span>
      )}
    </>
  );
}

/**
 * One container: its name opens its page; the actions act at once, remove asks first. In a
 * narrow table the row is a card: name, image and platform on top, state and actions under.
 */
export function ContainerRow({ container }: { container: ContainerSummary }) {
  const controls = useContainerControls();
  const name = containerName(container);
  const suffix = `-${container.name}`;

  return (
    <>
      <tr
        data-row-id={container.id}
        data-testid={`container-row-${container.name}`}
        className={clsx('align-top', stackedRow.row)}
      >
        <th
          scope="row"
          className={clsx(
            'max-w-56 min-w-40 px-3 py-3 text-left font-normal @max-xl:max-w-none',
            stackedRow.head,
          )}
        >
          <Link
            to={`/containers/${encodeURIComponent(container.id)}`}
            className="rounded font-mono text-[13px] font-medium [overflow-wrap:anywhere] hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
          >
            {name}
          </Link>
          <p className="mt-0.5 font-mono text-xs text-subtle">{container.shortId}</p>
          {/* What the narrower table has no column for. */}
          <p className={clsx('mt-1 font-mono text-xs text-muted', columnFrom[from.image].inline)}>
            <ReferenceText value={container.image} />
          </p>
          <div
            className={clsx(
              'mt-1.5 flex flex-wrap items-center gap-1.5',
              columnFrom[from.platform].inline,
            )}
          >
            <Platform container={container} />
          </div>
        </th>
        <td className={clsx('max-w-52 min-w-36 px-3 py-3', columnFrom[from.image].cell)}>
          <p className="font-mono text-[13px]">
            <ReferenceText value={container.image} />
          </p>
          {container.command.length > 0 && (
            // Truncated, and sized by the cell rather than by its whole text.
            <p
              className="mt-0.5 w-0 min-w-full truncate font-mono text-xs text-subtle"
              title={commandLine(container.command)}
            >
              {commandLine(container.command)}
            </p>
          )}
        </td>
        <td className={clsx('px-3 py-3 whitespace-nowrap', columnFrom[from.platform].cell)}>
          <div className="flex flex-col items-start gap-1.5">
            <Platform container={container} testId={`container-badge-${container.name}`} />
          </div>
        </td>
        <td className={clsx('px-3 py-3', stackedRow.cell)}>
          <ContainerStateLabel
            container={container}
            data-testid={`container-state-${container.name}`}
          />
          {container.exitCode !== null && (
            <p className="mt-0.5 pl-[1.125rem] text-xs whitespace-nowrap text-muted">
              exit code{' '}
              <span data-testid={`container-exit-${container.name}`}>
                <ExitCode container={container} />
              </span>
            </p>
          )}
          {container.stop?.killed && (
            <p
              className="mt-0.5 max-w-56 pl-[1.125rem] text-xs text-muted"
              data-testid={`container-stop-${container.name}`}
            >
              {stopNote(container.stop)}
            </p>
          )}
        </td>
        <td
          className={clsx('px-3 py-3 whitespace-nowrap text-muted', columnFrom[from.created].cell)}
        >
          {container.created && (
            <time dateTime={container.created} title={formatDateTime(container.created)}>
              {formatRelativeTime(container.created)}
            </time>
          )}
        </td>
        <td className={clsx('px-2 py-2', stackedRow.cell)}>
          <ContainerActionButtons
            container={container}
            controls={controls}
            compact
            testIdSuffix={suffix}
          />
        </td>
      </tr>
      {controls.open && (
        <tr data-row-id={container.id} className={stackedRow.plain}>
          <td colSpan={CONTAINER_COLUMNS} className={clsx('space-y-2 px-4 pb-3', stackedRow.plain)}>
            <ContainerActionFeedback
              container={container}
              controls={controls}
              testIdSuffix={suffix}
            />
          </td>
        </tr>
      )}
    </>
  );
}
