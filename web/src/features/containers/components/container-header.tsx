import { useRef } from 'react';
import { Cpu } from 'lucide-react';
import type { ContainerSummary } from '@archdeck/shared';
import { CopyButton } from '@/components/copy-button';
import { PlatformChip } from '@/components/platform-chip';
import { RunBadge } from '@/components/run-badge';
import { useArrivalFocus } from '@/lib/focus';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import {
  ContainerActionButtons,
  ContainerActionFeedback,
  useContainerControls,
} from './container-actions';
import { ContainerStateLabel, ExitCode } from './container-state';
import { commandLine, containerName } from './labels';

/**
 * The container page's head: what it is (name, image, platform and how this host runs it),
 * where it is (state, exit code) and what can be done to it.
 */
export function ContainerHeader({
  container,
  onRemoved,
}: {
  container: ContainerSummary;
  onRemoved: () => void;
}) {
  const controls = useContainerControls();
  const name = containerName(container);
  const command = commandLine(container.command);
  // Run and Remove-elsewhere lead here with the button that was pressed gone.
  const heading = useRef<HTMLHeadingElement>(null);
  useArrivalFocus(heading);

  return (
    <header className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-x-8 gap-y-4">
        <div className="min-w-0 space-y-2">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h1
              ref={heading}
              tabIndex={-1}
              className="font-mono text-2xl font-semibold tracking-tight outline-none [overflow-wrap:anywhere]"
            >
              {name}
            </h1>
            <span className="text-sm">
              <ContainerStateLabel container={container} data-testid="container-header-state" />
            </span>
            {container.exitCode !== null && (
              <span className="text-sm text-muted" data-testid="container-header-exit">
                exit code <ExitCode container={container} />
              </span>
            )}
          </div>
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-mono text-[13px] [overflow-wrap:anywhere]">
              {container.image}
            </span>
            <PlatformChip platform={container.platform} />
            <RunBadge
              badge={container.badge}
              platform={container.platform}
              data-testid="container-header-badge"
            />
            {container.cpu && (
              <span
                data-testid="container-header-cpu"
                title={`Run with QEMU_CPU=${container.cpu.value}: qemu emulates this CPU model for every program in the container.`}
                className="inline-flex items-center gap-1 text-xs text-muted"
              >
                <Cpu aria-hidden className="size-3.5" />
                <span className="sr-only">CPU model </span>
                <span className="text-fg">{container.cpu.title}</span>
                {container.cpu.title !== container.cpu.value && (
                  <span className="font-mono">({container.cpu.value})</span>
                )}
              </span>
            )}
          </p>
          <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-muted">
            <div className="flex items-center gap-1">
              <dt className="sr-only">ID</dt>
              <dd className="font-mono">{container.shortId}</dd>
              <CopyButton text={container.id} label="Copy the container ID" iconOnly />
            </div>
            {container.created && (
              <div>
                <dt className="inline">Created </dt>
                <dd className="inline">
                  <time dateTime={container.created} title={formatDateTime(container.created)}>
                    {formatRelativeTime(container.created)}
                  </time>
                </dd>
              </div>
            )}
            {container.status && (
              <div>
                <dt className="sr-only">Status</dt>
                <dd>{container.status}</dd>
              </div>
            )}
            {container.tty && (
              <div>
                <dt className="sr-only">Terminal</dt>
                <dd>TTY</dd>
              </div>
            )}
            {command && (
              <div className="min-w-0">
                <dt className="inline">Command </dt>
                <dd className="inline font-mono break-all text-fg">{command}</dd>
              </div>
            )}
          </dl>
        </div>
        <ContainerActionButtons container={container} controls={controls} />
      </div>
      <ContainerActionFeedback container={container} controls={controls} onRemoved={onRemoved} />
    </header>
  );
}
