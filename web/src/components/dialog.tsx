import { useEffect, useId, useRef, type ReactNode } from 'react';
import clsx from 'clsx';
import { X } from 'lucide-react';

/**
 * A modal dialog on the native `<dialog>`: `showModal()` makes the rest of the page inert (so
 * focus stays inside) and Esc asks to close. Render it only while open; on unmount focus goes
 * back to whatever opened it. Mark the field to start in with `data-autofocus`.
 * `placement="side"` makes it a full-height panel on the right, for details of a list row;
 * `wide` gives a centred one room for a table.
 */
export function Dialog({
  title,
  description,
  onClose,
  placement = 'center',
  wide = false,
  children,
  'data-testid': testId,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  placement?: 'center' | 'side';
  wide?: boolean;
  children: ReactNode;
  'data-testid'?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Esc: the parent decides (and unmounts us), so the native close is not needed.
      onCancel={(event) => {
        event.preventDefault();
        // React passes it on to the dialogs this one opened over (through portals too): Esc
        // closes only the top one.
        event.stopPropagation();
        onClose();
      }}
      className={clsx(
        'flex-col border-line bg-surface p-0 text-fg shadow-xl backdrop:bg-zinc-950/50 open:flex',
        placement === 'center'
          ? clsx(
              'm-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] rounded-2xl border',
              wide ? 'max-w-6xl' : 'max-w-2xl',
            )
          : 'my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-2xl border-l',
      )}
    >
      <header className="flex shrink-0 items-start justify-between gap-4 border-b border-line px-6 py-4">
        <div>
          <h2
            id={titleId}
            className="text-base font-semibold tracking-tight [overflow-wrap:anywhere]"
          >
            {title}
          </h2>
          {description && (
            <p id={descriptionId} className="mt-1 text-sm text-muted">
              {description}
            </p>
          )}
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close"
          className="-mt-1 -mr-2 rounded-md p-1.5 text-subtle hover:bg-sunken hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
        >
          <X aria-hidden className="size-4" />
        </button>
      </header>
      {/* The header stays put; long content scrolls under it. */}
      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">{children}</div>
    </dialog>
  );
}
