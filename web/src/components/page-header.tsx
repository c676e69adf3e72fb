import type { ReactNode } from 'react';
import { Count } from './badge';

/** A list page's head: its title with how many there are, what it shows, and its main action. */
export function PageHeader({
  title,
  count,
  description,
  action,
}: {
  title: string;
  /** Left out until the list has loaded. */
  count?: ReactNode;
  description: ReactNode;
  action: ReactNode;
}) {
  return (
    <header className="flex flex-wrap items-start justify-between gap-x-8 gap-y-4">
      <div className="max-w-xl min-w-0">
        <div className="flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          {count !== undefined && <Count>{count}</Count>}
        </div>
        <p className="mt-2 text-sm text-muted">{description}</p>
      </div>
      {action}
    </header>
  );
}
