import { useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './button';

/**
 * A destructive action's two steps: its button opens a confirmation (`triggerProps` go on that
 * button), which Keep or Esc dismisses, focus going back to the button. `onCancel` also runs
 * then, e.g. to clear the failed attempt's error.
 */
export function useConfirmStep(onCancel?: () => void) {
  const [confirming, setConfirming] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const id = useId();

  const cancel = () => {
    setConfirming(false);
    onCancel?.();
    triggerRef.current?.focus();
  };

  return {
    confirming,
    id,
    cancel,
    triggerProps: {
      ref: triggerRef,
      'aria-expanded': confirming,
      'aria-controls': confirming ? id : undefined,
      onClick: () => (confirming ? cancel() : setConfirming(true)),
    },
  };
}

type ConfirmStep = ReturnType<typeof useConfirmStep>;

/** The second step: says what goes, then does it or keeps it; `children` is what failed. */
export function ConfirmPanel({
  step,
  label,
  message,
  confirmLabel,
  onConfirm,
  busy,
  'data-testid': testId,
  children,
}: {
  step: ConfirmStep;
  /** The group's accessible name, e.g. `Confirm removing busybox`. */
  label: string;
  message: ReactNode;
  confirmLabel: ReactNode;
  onConfirm: () => void;
  busy: boolean;
  /** The confirm button's. */
  'data-testid': string;
  children?: ReactNode;
}) {
  return (
    <div
      id={step.id}
      role="group"
      aria-label={label}
      onKeyDown={(event) => {
        if (event.key === 'Escape') step.cancel();
      }}
      className="space-y-3 rounded-lg border border-red-500/30 bg-red-500/5 px-4 py-3 text-sm"
    >
      <div className="flex flex-wrap items-center gap-3">
        <p className="min-w-0 flex-1">{message}</p>
        <div className="flex gap-2">
          <Button size="sm" onClick={step.cancel} autoFocus>
            Keep
          </Button>
          <Button size="sm" variant="danger" busy={busy} onClick={onConfirm} data-testid={testId}>
            {confirmLabel}
          </Button>
        </div>
      </div>
      {children}
    </div>
  );
}
