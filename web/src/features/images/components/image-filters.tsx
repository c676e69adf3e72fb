import { useId } from 'react';
import clsx from 'clsx';
import { Search, X } from 'lucide-react';

/** A text filter over names, ids and platforms, and one toggle chip per architecture present. */
export function ImageFilters({
  query,
  onQuery,
  architectures,
  selected,
  onToggle,
}: {
  query: string;
  onQuery: (query: string) => void;
  /** Each architecture in the list and how many images have it. */
  architectures: { name: string; count: number }[];
  selected: ReadonlySet<string>;
  onToggle: (architecture: string) => void;
}) {
  const inputId = useId();
  const archLabelId = useId();
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2.5">
      <div className="relative w-full sm:w-72">
        <label htmlFor={inputId} className="sr-only">
          Filter images
        </label>
        <Search
          aria-hidden
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-subtle"
        />
        <input
          id={inputId}
          type="search"
          value={query}
          onChange={(event) => onQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault();
              onQuery('');
            }
          }}
          placeholder="Filter by name, id or platform"
          spellCheck={false}
          autoComplete="off"
          data-testid="images-filter"
          className="block w-full rounded-lg border border-line bg-surface py-1.5 pr-8 pl-8 text-sm outline-none placeholder:text-subtle focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30 [&::-webkit-search-cancel-button]:hidden"
        />
        {query && (
          <button
            type="button"
            onClick={() => onQuery('')}
            aria-label="Clear the filter"
            className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded p-1 text-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
          >
            <X aria-hidden className="size-3.5" />
          </button>
        )}
      </div>
      {architectures.length > 0 && (
        <div
          role="group"
          aria-labelledby={archLabelId}
          className="flex flex-wrap items-center gap-1.5"
        >
          <span id={archLabelId} className="mr-1 text-xs font-medium text-subtle">
            Architecture
          </span>
          {architectures.map(({ name, count }) => {
            const on = selected.has(name);
            return (
              <button
                key={name}
                type="button"
                aria-pressed={on}
                onClick={() => onToggle(name)}
                data-testid={`images-arch-${name}`}
                className={clsx(
                  'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 font-mono text-xs ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500',
                  on
                    ? 'bg-zinc-900 text-white ring-zinc-900 dark:bg-zinc-100 dark:text-zinc-900 dark:ring-zinc-100'
                    : 'bg-surface text-muted ring-line hover:text-fg',
                )}
              >
                {name}
                <span className={clsx('font-sans', on ? 'opacity-70' : 'text-subtle')}>
                  {count}
                </span>
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
