import { useId, type ReactNode } from 'react';
import clsx from 'clsx';

/**
 * A checkbox with its label and a line of hint under it; the whole label is the click target
 * and the hint is the input's description. `className` goes on the label, for its box.
 */
export function Checkbox({
  checked,
  onChange,
  label,
  hint,
  className,
  'data-testid': testId,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  hint: ReactNode;
  className?: string;
  'data-testid'?: string;
}) {
  const hintId = useId();
  return (
    <label className={clsx('flex cursor-pointer gap-2.5 text-sm', className)}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hintId}
        data-testid={testId}
        className="mt-0.5 size-4 accent-zinc-900 dark:accent-zinc-100"
      />
      <span className="min-w-0">
        <span className="font-medium">{label}</span>
        <span id={hintId} className="block text-xs text-muted">
          {hint}
        </span>
      </span>
    </label>
  );
}
