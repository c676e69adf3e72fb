import type { ContainerSummary } from '@archdeck/shared';
import { Link } from 'react-router';
import { PlatformChip } from '@/components/platform-chip';
import { RunBadge } from '@/components/run-badge';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import {
  ContainerActionButtons,
  ContainerActionFeedback,
  useContainerControls,
} from './container-actions';
import { ContainerStateLabel, ExitCode } from './container-state';
import { commandLine, containerName, stopNote } from './labels';

/** Name, image, platform, state, created, actions: the confirm step spans them all. */
const CONTAINER_COLUMNS = 6;

/** One container: its name opens its page; the actions act at once, remove asks first. */
export function ContainerRow({ container }: { container: ContainerSummary }) {
  const controls = useContainerControls();
  const name = containerName(container);
  const suffix = `-${container.name}`;

  return (
    <>
      <tr data-testid={`container-row-${container.name}`} className="align-top">
        <th scope="row" className="max-w-56 min-w-40 px-3 py-3 text-left font-normal">
          <Link
            to={`/containers/${encodeURIComponent(container.id)}`}
            className="rounded font-mono text-[13px] font-medium [overflow-wrap:anywhere] hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
          >
            {name}
          </Link>
          <p className="mt-0.5 font-mono text-xs text-subtle">{container.shortId}</p>
        </th>
        <td className="max-w-52 min-w-36 px-3 py-3">
          <p className="font-mono text-[13px] [overflow-wrap:anywhere]">{container.image}</p>
          {container.command.length > 0 && (
            <p
              className="mt-0.5 truncate font-mono text-xs text-subtle"
              title={commandLine(container.command)}
            >
              {commandLine(container.command)}
            </p>
          )}
        </td>
        <td className="px-3 py-3 whitespace-nowrap">
          <div className="flex flex-col items-start gap-1.5">
            <PlatformChip platform={container.platform} />
            <RunBadge
              badge={container.badge}
              platform={container.platform}
              data-testid={`container-badge-${container.name}`}
            />
          </div>
        </td>
        <td className="px-3 py-3">
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
        <td className="hidden px-3 py-3 whitespace-nowrap text-muted lg:table-cell">
          {container.created && (
            <time dateTime={container.created} title={formatDateTime(container.created)}>
              {formatRelativeTime(container.created)}
            </time>
          )}
        </td>
        <td className="px-2 py-2">
          <ContainerActionButtons
            container={container}
            controls={controls}
            compact
            testIdSuffix={suffix}
          />
        </td>
      </tr>
      {controls.open && (
        <tr>
          <td colSpan={CONTAINER_COLUMNS} className="space-y-2 px-4 pb-3">
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
