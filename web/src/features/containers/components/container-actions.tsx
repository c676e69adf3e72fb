import type { ComponentType } from 'react';
import clsx from 'clsx';
import type { ContainerState, ContainerSummary } from '@archdeck/shared';
import { Play, RotateCw, Square, Trash2, Zap } from 'lucide-react';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { ErrorNotice } from '@/components/error-notice';
import { useContainerActions, type ContainerAction } from '../api/container-action';
import { useRemoveContainer } from '../api/remove-container';
import { containerName } from './labels';

type Action = ContainerAction | 'remove';

const LIVE: ContainerState[] = ['running', 'restarting', 'paused'];

/** Why an action makes no sense in a state, or null when it does. */
function blockedReason(action: Action, state: ContainerState): string | null {
  if (state === 'removing') return 'It is being removed';
  switch (action) {
    case 'start':
      return LIVE.includes(state) || state === 'stopping' ? 'It is running already' : null;
    case 'stop':
      return LIVE.includes(state) ? null : 'It is not running';
    case 'kill':
      return LIVE.includes(state) || state === 'stopping' ? null : 'It is not running';
    default:
      return null;
  }
}

const actions: {
  action: Action;
  label: string;
  icon: ComponentType<{ 'aria-hidden'?: boolean }>;
  hint: string;
}[] = [
  { action: 'start', label: 'Start', icon: Play, hint: 'Start' },
  { action: 'stop', label: 'Stop', icon: Square, hint: 'Stop (SIGTERM, then SIGKILL)' },
  { action: 'restart', label: 'Restart', icon: RotateCw, hint: 'Restart' },
  { action: 'kill', label: 'Kill', icon: Zap, hint: 'Kill (SIGKILL, at once)' },
  { action: 'remove', label: 'Remove', icon: Trash2, hint: 'Remove' },
];

/**
 * What acting on one container needs, for its row and its page alike: the lifecycle
 * mutations, removal and the step that confirms it. Render it with ContainerActionButtons
 * and ContainerActionFeedback.
 */
export function useContainerControls() {
  const control = useContainerActions();
  const remove = useRemoveContainer();
  const step = useConfirmStep(() => remove.reset());
  return { control, remove, step };
}

type ContainerControls = ReturnType<typeof useContainerControls>;

/**
 * Start, stop, restart, kill and remove. `compact` shows icons only (a table row); otherwise
 * each has its label. Remove only asks: ContainerActionFeedback shows the confirmation.
 * Test ids are `container-action-<action>` plus `testIdSuffix` (`-<name>` in the list).
 */
export function ContainerActionButtons({
  container,
  controls: { control, step },
  compact = false,
  testIdSuffix = '',
}: {
  container: ContainerSummary;
  controls: ContainerControls;
  compact?: boolean;
  testIdSuffix?: string;
}) {
  const name = containerName(container);
  return (
    <div
      role="group"
      aria-label={`Actions for ${name}`}
      className={clsx('flex gap-1', compact ? 'flex-nowrap' : 'flex-wrap')}
    >
      {actions.map(({ action, label, icon: Icon, hint }) => {
        const remove = action === 'remove';
        const mutation = action === 'remove' ? null : control[action];
        return (
          <Button
            key={action}
            {...(remove ? step.triggerProps : {})}
            size={compact ? 'sm' : 'md'}
            variant={compact ? 'ghost' : 'secondary'}
            icon={<Icon aria-hidden />}
            busy={mutation?.isPending ?? false}
            disabledReason={blockedReason(action, container.state)}
            aria-label={`${label} ${name}`}
            title={`${hint} ${name}`}
            onClick={
              action === 'remove'
                ? step.triggerProps.onClick
                : () => control[action].mutate({ id: container.id, action })
            }
            data-testid={`container-action-${action}${testIdSuffix}`}
            className={clsx(
              compact && 'text-subtle',
              remove && 'hover:bg-red-500/10 hover:text-red-700 dark:hover:text-red-400',
            )}
          >
            {!compact && label}
          </Button>
        );
      })}
    </div>
  );
}

/**
 * Under the buttons: why the last action failed, and the second step of removing, which says
 * what goes, then removes or keeps. Test ids end in `testIdSuffix`, as the buttons' do.
 */
export function ContainerActionFeedback({
  container,
  controls: { control, remove, step },
  onRemoved,
  testIdSuffix = '',
}: {
  container: ContainerSummary;
  controls: ContainerControls;
  onRemoved?: () => void;
  testIdSuffix?: string;
}) {
  const name = containerName(container);
  const running = LIVE.includes(container.state);
  return (
    <>
      {control.failed && (
        <div data-testid={`container-action-error${testIdSuffix}`}>
          <ErrorNotice
            title={`Could not ${control.failed.variables?.action ?? 'change'} ${name}`}
            error={control.failed.error}
          />
        </div>
      )}
      {step.confirming && (
        <ConfirmPanel
          step={step}
          label={`Confirm removing ${name}`}
          message={
            <>
              Remove <span className="font-mono font-medium break-all">{name}</span>?{' '}
              {running ? 'It is running: it is stopped first. ' : ''}Its logs and its writable layer
              go with it; the image stays.
            </>
          }
          confirmLabel="Remove"
          onConfirm={() => remove.mutate(container.id, { onSuccess: onRemoved })}
          busy={remove.isPending}
          data-testid={`container-action-remove-confirm${testIdSuffix}`}
        >
          {remove.isError && (
            <ErrorNotice title={`Could not remove ${name}`} error={remove.error} />
          )}
        </ConfirmPanel>
      )}
    </>
  );
}
