import type { ComponentProps, MouseEvent, ReactNode } from 'react';
import clsx from 'clsx';
import { LoaderCircle } from 'lucide-react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const variantClass: Record<Variant, string> = {
  primary:
    'bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-white',
  secondary: 'border border-line bg-surface text-fg shadow-xs hover:bg-sunken',
  danger: 'bg-red-600 text-white hover:bg-red-700 dark:bg-red-500 dark:hover:bg-red-600',
  ghost: 'text-muted hover:bg-sunken hover:text-fg',
};

const sizeClass = {
  sm: 'px-2 py-1 text-xs [&>svg]:size-3.5',
  md: 'px-3 py-1.5 text-sm [&>svg]:size-4',
};

/**
 * A button. `busy` shows a spinner and blocks clicks while its request runs. `disabledReason`
 * is for an action the user cannot take right now: the button stays focusable and explains
 * why on hover and to screen readers, which a plain `disabled` button cannot do.
 */
export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  busy = false,
  disabledReason,
  className,
  children,
  onClick,
  type = 'button',
  ...rest
}: ComponentProps<'button'> & {
  variant?: Variant;
  size?: keyof typeof sizeClass;
  icon?: ReactNode;
  busy?: boolean;
  disabledReason?: string | null;
}) {
  const blocked = Boolean(disabledReason);
  const guardedClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (blocked || busy) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  };
  return (
    <button
      type={type}
      {...rest}
      onClick={guardedClick}
      aria-disabled={blocked || busy || undefined}
      aria-busy={busy || undefined}
      title={disabledReason ?? rest.title}
      className={clsx(
        'inline-flex items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500',
        'disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-50',
        variantClass[variant],
        sizeClass[size],
        className,
      )}
    >
      {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : icon}
      {children}
    </button>
  );
}
