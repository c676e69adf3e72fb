import { useId } from 'react';
import clsx from 'clsx';
import { SearchBox } from '@/components/search-box';

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
  const archLabelId = useId();
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2.5">
      <SearchBox
        value={query}
        onChange={onQuery}
        label="Filter images"
        clearLabel="Clear the filter"
        placeholder="Filter by name, id or platform"
        data-testid="images-filter"
        className="w-full sm:w-72"
      />
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
