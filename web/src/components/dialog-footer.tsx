import type { ReactNode } from 'react';
import { Button } from './button';
import { dialogFooterClass } from './form';

/**
 * A dialog form's buttons, kept in view at the bottom while the form scrolls: Cancel, and the
 * submit button, busy while its request runs and, while it cannot go ahead, saying why.
 * `note` stands on the left, e.g. what closing the dialog does.
 */
export function DialogFooter({
  onCancel,
  icon,
  busy,
  blocked,
  note,
  'data-testid': testId,
  children,
}: {
  onCancel: () => void;
  icon?: ReactNode;
  busy: boolean;
  /** Why submitting cannot go ahead yet; null when it can. */
  blocked: string | null;
  note?: ReactNode;
  /** The submit button's. */
  'data-testid': string;
  /** The submit button's label. */
  children: ReactNode;
}) {
  return (
    <div className={dialogFooterClass}>
      {note && <p className="mr-auto text-xs text-muted">{note}</p>}
      <Button onClick={onCancel}>Cancel</Button>
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
