import clsx from 'clsx';

/**
 * A progress bar; `value` is 0..1, or null while the total is unknown (the bar pulses and
 * announces no number). The fill is an SVG rect: its width is an attribute, not a style, so
 * it works under the daemon's CSP, which allows no inline styles.
 */
export function ProgressBar({
  value,
  label,
  valueText,
  tone = 'neutral',
  size = 'md',
  'data-testid': testId,
}: {
  value: number | null;
  /** The accessible name, e.g. "Pulling busybox:1.36". */
  label: string;
  /** What a screen reader says instead of the bare percentage, e.g. "1.2 MiB of 3.4 MiB". */
  valueText?: string;
  tone?: 'neutral' | 'ok' | 'error';
  size?: 'sm' | 'md';
  'data-testid'?: string;
}) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={valueText}
      data-testid={testId}
      className={clsx('w-full overflow-hidden rounded-full bg-line', size === 'sm' ? 'h-1' : 'h-2')}
    >
      <svg aria-hidden width="100%" height="100%" className="block">
        <rect
          height="100%"
          width={percent === null ? '100%' : `${percent}%`}
          rx={size === 'sm' ? 2 : 4}
          className={clsx(
            percent === null && 'animate-pulse opacity-40',
            tone === 'ok' && 'fill-emerald-500',
            tone === 'error' && 'fill-red-500',
            tone === 'neutral' && 'fill-zinc-700 dark:fill-zinc-300',
          )}
        />
      </svg>
    </div>
  );
}
