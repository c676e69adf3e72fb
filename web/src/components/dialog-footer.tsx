import type { ReactNode } from 'react';
import { Button } from './button';
import { dialogFooterClass } from './form';

/**
 * A dialog form's buttons, kept in view at the bottom while the form scrolls: Cancel, and the
 * submit button, busy while its request runs and, while it cannot go ahead, saying why.
 * `note` stands on the left, e.g. what closing the dialog does; `status` above the buttons,
 * in view too: what the submit is doing (a progress bar) or why it failed. `cancelLabel`
 * names what the first button does when it does not cancel (Close, while the daemon works on).
 */
export function DialogFooter({
  onCancel,
  icon,
  busy,
  blocked,
  note,
  status,
  cancelLabel = 'Cancel',
  'data-testid': testId,
  children,
}: {
  onCancel: () => void;
  icon?: ReactNode;
  busy: boolean;
  /** Why submitting cannot go ahead yet; null when it can. */
  blocked: string | null;
  note?: ReactNode;
  status?: ReactNode;
  cancelLabel?: string;
  /** The submit button's. */
  'data-testid': string;
  /** The submit button's label. */
  children: ReactNode;
}) {
  return (
    <div className={dialogFooterClass}>
      {status && <div className="min-w-0 basis-full">{status}</div>}
      {note && <p className="mr-auto text-xs text-muted">{note}</p>}
      <Button onClick={onCancel}>{cancelLabel}</Button>
      <Button
        type="submit"
        variant="primary"
        icon={icon}
        busy={busy}
        disabledReason={blocked}
        data-testid={testId}
      >
        {children}
      </Button>
    </div>
  );
}
