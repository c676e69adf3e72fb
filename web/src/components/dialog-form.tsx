import type { FormEvent, ReactNode } from 'react';
import { Button } from './button';
import { dialogFooterClass } from './form';

/** A dialog's form: submitting it (Enter, the submit button) runs `onSubmit`, with no reload. */
export function DialogForm({ onSubmit, children }: { onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
      className="space-y-5"
    >
      {children}
    </form>
  );
}

/**
 * A dialog form's buttons: Cancel, then the submit button (blocked with `disabledReason`,
 * spinning while `busy`), kept in view at the bottom; `note` goes to their left.
 */
export function DialogSubmit({
  onCancel,
  icon,
  busy,
  disabledReason,
  note,
  'data-testid': testId,
  children,
}: {
  onCancel: () => void;
  icon?: ReactNode;
  busy: boolean;
  disabledReason: string | null;
  note?: ReactNode;
  'data-testid': string;
  children: ReactNode;
}) {
  return (
    <div className={dialogFooterClass}>
      {note}
      <Button onClick={onCancel}>Cancel</Button>
      <Button
        type="submit"
        variant="primary"
        icon={icon}
        busy={busy}
        disabledReason={disabledReason}
        data-testid={testId}
      >
        {children}
      </Button>
    </div>
  );
}
