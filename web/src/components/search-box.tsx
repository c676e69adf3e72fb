import { useId, type ComponentProps } from 'react';
import clsx from 'clsx';
import { Search, X } from 'lucide-react';

const placementClass = {
  /** On the page's background. */
  page: 'bg-surface py-1.5 pr-8',
  /** In a card's toolbar: compact, and set off from the card's surface. */
  toolbar: 'bg-canvas py-1 pr-7',
};

/**
 * A search field: a label for screen readers, a search icon, and a clear button while it holds
 * text. Escape clears it too, unless the caller's `onKeyDown` already handled the key.
 * `className` goes on the wrapper, to size it; the other props go on the `<input>`.
 */
export function SearchBox({
  value,
  onChange,
  label,
  clearLabel,
  placement = 'page',
  className,
  onKeyDown,
  ...rest
}: Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'type' | 'id'> & {
  value: string;
  onChange: (value: string) => void;
  /** The field's accessible name. */
  label: string;
  /** The clear button's accessible name. */
  clearLabel: string;
  placement?: keyof typeof placementClass;
}) {
  const id = useId();
  return (
    <div className={clsx('relative', className)}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <Search
        aria-hidden
        className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-subtle"
      />
      <input
        spellCheck={false}
        autoComplete="off"
        {...rest}
        id={id}
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          onKeyDown?.(event);
          if (event.key === 'Escape' && value && !event.defaultPrevented) {
            event.preventDefault();
            onChange('');
          }
        }}
        className={clsx(
          'block w-full rounded-lg border border-line pl-8 text-sm outline-none placeholder:text-subtle focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30 [&::-webkit-search-cancel-button]:hidden',
          placementClass[placement],
        )}
      />
      {value && (
        <button
          type="button"
          onClick={() => onChange('')}
          aria-label={clearLabel}
          className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded p-1 text-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
        >
          <X aria-hidden className="size-3.5" />
        </button>
      )}
    </div>
  );
}
