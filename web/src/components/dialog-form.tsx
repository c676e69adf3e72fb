import type { FormEvent, ReactNode } from 'react';

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
