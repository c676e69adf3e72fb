import { useId, useState, type ComponentType } from 'react';
import clsx from 'clsx';
import {
  DEFAULT_STOP_TIMEOUT,
  MAX_STOP_TIMEOUT,
  type ContainerAction,
  type ContainerState,
  type ContainerSummary,
} from '@archdeck/shared';
import { Play, RotateCw, Square, Trash2, Zap } from 'lucide-react';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { ErrorNotice } from '@/components/error-notice';
import { submitOnEnter } from '@/components/form';
import { useContainerActions } from '../api/container-action';
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
 * mutations, removal and the step that confirms it, and the stop's step, which asks for its
 * timeout. Render it with ContainerActionButtons and ContainerActionFeedback.
 */
export function useContainerControls() {
  const control = useContainerActions();
  const remove = useRemoveContainer();
  const step = useConfirmStep(() => remove.reset());
  const stopStep = useConfirmStep(() => control.stop.reset());
  /** Whether ContainerActionFeedback has anything to show. */
  const open = step.confirming || stopStep.confirming || control.failed !== null;
  return { control, remove, step, stopStep, open };
}

type ContainerControls = ReturnType<typeof useContainerControls>;

/**
 * Start, stop, restart, kill and remove. `compact` shows icons only (a table row); otherwise
 * each has its label. Remove only asks: ContainerActionFeedback shows the confirmation.
 * Test ids are `container-action-<action>` plus `testIdSuffix` (`-<name>` in the list).
 */
export function ContainerActionButtons({
  container,
  controls: { control, step, stopStep },
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
        // Remove and stop open their second step; the others act at once.
        const trigger = remove
          ? step.triggerProps
          : action === 'stop'
            ? stopStep.triggerProps
            : null;
        return (
          <Button
            key={action}
            {...trigger}
            size={compact ? 'sm' : 'md'}
            variant={compact ? 'ghost' : 'secondary'}
            icon={<Icon aria-hidden />}
            busy={mutation?.isPending ?? false}
            disabledReason={blockedReason(action, container.state)}
            aria-label={`${label} ${name}`}
            title={`${hint} ${name}`}
            onClick={
              action === 'remove' || action === 'stop'
                ? trigger?.onClick
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
 * Under the buttons: why the last action failed; the second step of stopping, which asks how
 * long to wait for the process after SIGTERM; and that of removing, which says what goes, then
 * removes or keeps. Test ids end in `testIdSuffix`, as the buttons' do.
 */
export function ContainerActionFeedback({
  container,
  controls: { control, remove, step, stopStep },
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
      {stopStep.confirming && (
        <StopPanel
          container={container}
          controls={{ control, stopStep }}
          testIdSuffix={testIdSuffix}
        />
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

/**
 * The stop's timeout: podman's SIGTERM first, SIGKILL once this many seconds have passed. A
 * shell ignores SIGTERM, so it is always killed, after the whole wait. What the server refuses
 * (not a whole number from 0 to MAX_STOP_TIMEOUT) comes back as the action's error.
 */
function StopPanel({
  container,
  controls: { control, stopStep },
  testIdSuffix,
}: {
  container: ContainerSummary;
  controls: Pick<ContainerControls, 'control' | 'stopStep'>;
  testIdSuffix: string;
}) {
  const [seconds, setSeconds] = useState(String(DEFAULT_STOP_TIMEOUT));
  const fieldId = useId();
  const name = containerName(container);
  const stop = () => {
    if (control.stop.isPending) return;
    control.stop.mutate(
      // Empty (what a number field also reads when its text is no number) is the default.
      { id: container.id, action: 'stop', timeout: seconds === '' ? undefined : Number(seconds) },
      { onSuccess: () => stopStep.cancel() },
    );
  };
  return (
    <ConfirmPanel
      step={stopStep}
      label={`Confirm stopping ${name}`}
      message={
        <>
          Stop <span className="font-mono font-medium break-all">{name}</span>? Podman sends
          SIGTERM, then SIGKILL if it is still running after{' '}
          <label htmlFor={fieldId} className="sr-only">
            Stop timeout in seconds
          </label>
          <input
            id={fieldId}
            type="number"
            inputMode="numeric"
            min={0}
            max={MAX_STOP_TIMEOUT}
            step={1}
            value={seconds}
            placeholder={String(DEFAULT_STOP_TIMEOUT)}
            onChange={(event) => setSeconds(event.target.value)}
            onKeyDown={submitOnEnter(stop)}
            className="w-16 rounded-md border border-line bg-canvas px-2 py-0.5 font-mono text-sm tabular-nums outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30"
            data-testid={`container-stop-timeout${testIdSuffix}`}
          />{' '}
          seconds.
        </>
      }
      confirmLabel="Stop"
      onConfirm={stop}
      busy={control.stop.isPending}
      data-testid={`container-action-stop-confirm${testIdSuffix}`}
    />
  );
}
