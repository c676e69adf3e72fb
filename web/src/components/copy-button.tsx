import { useEffect, useState } from 'react';
import clsx from 'clsx';
import { Check, Copy } from 'lucide-react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies `text` to the clipboard and says so for a moment. `label` is the accessible name
 * ("Copy digest"); the visible text stays short. `iconOnly` leaves just the icon, for a copy
 * button sitting next to the value it copies.
 */
export function CopyButton({
  text,
  label = 'Copy',
  iconOnly = false,
  className,
  'data-testid': testId,
}: {
  text: string;
  label?: string;
  iconOnly?: boolean;
  className?: string;
  'data-testid'?: string;
}) {
  const [state, setState] = useState<CopyState>('idle');

  // The confirmation is feedback for one click, so it fades back after a moment.
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  const feedback = state === 'copied' ? 'Copied' : state === 'failed' ? 'Select to copy' : 'Copy';

  return (
    <button
      type="button"
      onClick={copy}
      aria-label={label}
      title={iconOnly ? label : undefined}
      data-testid={testId}
      className={clsx(
        'inline-flex shrink-0 items-center gap-1.5 rounded-md text-xs font-medium text-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500',
        iconOnly ? 'p-1 hover:bg-sunken' : 'border border-line bg-surface px-2 py-1',
        className,
      )}
    >
      {state === 'copied' ? (
        <Check aria-hidden className="size-3.5 text-emerald-600 dark:text-emerald-400" />
      ) : (
        <Copy aria-hidden className="size-3.5" />
      )}
      <span aria-live="polite" className={clsx(iconOnly && 'sr-only')}>
        {iconOnly && state === 'idle' ? '' : feedback}
      </span>
    </button>
  );
}

/** A value in monospace with an icon-only copy button beside it: a digest, a tag, an id. */
export function Copyable({
  value,
  label,
  testId,
}: {
  value: string;
  /** The copy button's accessible name: "Copy index digest". */
  label: string;
  testId?: string;
}) {
  return (
    <span className="flex items-start gap-1">
      <span className="min-w-0 font-mono text-[13px] break-all">{value}</span>
      <CopyButton text={value} label={label} iconOnly className="-my-0.5" data-testid={testId} />
    </span>
  );
}
