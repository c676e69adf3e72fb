import type { ReactNode } from 'react';
import clsx from 'clsx';

/** Green, amber, red: the only status colours the UI uses; grey is for "off", not a status. */
export type Tone = 'ok' | 'warning' | 'error' | 'neutral';

const badgeTone: Record<Tone, string> = {
  ok: 'bg-emerald-500/10 text-emerald-700 ring-emerald-600/20 dark:text-emerald-400 dark:ring-emerald-400/25',
  warning:
    'bg-amber-500/10 text-amber-800 ring-amber-600/25 dark:text-amber-300 dark:ring-amber-400/25',
  error: 'bg-red-500/10 text-red-700 ring-red-600/20 dark:text-red-400 dark:ring-red-400/25',
  neutral: 'bg-zinc-500/10 text-muted ring-zinc-500/20 dark:ring-zinc-400/20',
};

const dotTone: Record<Tone, string> = {
  ok: 'bg-emerald-500',
  warning: 'bg-amber-500',
  error: 'bg-red-500',
  neutral: 'bg-zinc-400',
};

export function Badge({
  tone,
  children,
  title,
  'data-testid': testId,
}: {
  tone: Tone;
  children: ReactNode;
  /** A longer explanation shown on hover. */
  title?: string;
  'data-testid'?: string;
}) {
  return (
    <span
      data-testid={testId}
      title={title}
      className={clsx(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        badgeTone[tone],
      )}
    >
      <span aria-hidden className={clsx('size-1.5 rounded-full', dotTone[tone])} />
      {children}
    </span>
  );
}

/** A coloured dot; `label` is what a screen reader says instead of the colour. */
export function StatusDot({
  tone,
  label,
  size = 'md',
}: {
  tone: Tone;
  label: string;
  size?: 'md' | 'lg';
}) {
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={clsx(
        'inline-block shrink-0 rounded-full ring-4',
        size === 'lg' ? 'size-3.5' : 'size-2.5',
        dotTone[tone],
        {
          'ring-emerald-500/20': tone === 'ok',
          'ring-amber-500/20': tone === 'warning',
          'ring-red-500/20': tone === 'error',
          'ring-zinc-400/20': tone === 'neutral',
        },
      )}
    />
  );
}

/** How many there are, next to a heading. */
export function Count({ children }: { children: ReactNode }) {
  return (
    <span className="rounded-full bg-sunken px-2 py-0.5 text-xs font-medium text-muted ring-1 ring-line">
      {children}
    </span>
  );
}
