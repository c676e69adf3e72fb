import clsx from 'clsx';

/**
 * An on/off control: a real `<button role="switch">`, so it is announced as a switch with its
 * state. `label` is its accessible name; `disabledReason` works as on Button.
 */
export function Switch({
  checked,
  onChange,
  label,
  busy = false,
  disabledReason,
  'data-testid': testId,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  busy?: boolean;
  disabledReason?: string | null;
  'data-testid'?: string;
}) {
  const blocked = Boolean(disabledReason) || busy;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      aria-disabled={blocked || undefined}
      aria-busy={busy || undefined}
      title={disabledReason ?? undefined}
      data-testid={testId}
      onClick={() => {
        if (!blocked) onChange(!checked);
      }}
      className={clsx(
        'group relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500',
        'aria-disabled:cursor-not-allowed aria-disabled:opacity-50',
        checked ? 'bg-emerald-600 dark:bg-emerald-500' : 'bg-zinc-300 dark:bg-zinc-700',
        busy && 'animate-pulse',
      )}
    >
      <span
        aria-hidden
        className={clsx(
          'inline-block size-4 rounded-full bg-white shadow-sm transition-transform',
          checked ? 'translate-x-4.5' : 'translate-x-0.5',
        )}
      />
    </button>
  );
}
