import { useRef, type ReactNode, type RefObject } from 'react';
import { useArrivalFocus } from '@/lib/focus';
import { Count } from './badge';

/**
 * A list page's head: its title with how many there are, what it shows, and its main action.
 * The title takes focus when the page is arrived at with focus lost (`useArrivalFocus`);
 * `headingRef` lets the page send focus there too, e.g. once its list is emptied.
 */
export function PageHeader({
  title,
  count,
  description,
  action,
  headingRef,
}: {
  title: string;
  /** Left out until the list has loaded. */
  count?: ReactNode;
  description: ReactNode;
  action: ReactNode;
  headingRef?: RefObject<HTMLHeadingElement | null>;
}) {
  const ownRef = useRef<HTMLHeadingElement>(null);
  const heading = headingRef ?? ownRef;
  useArrivalFocus(heading);
  return (
    <header className="flex flex-wrap items-start justify-between gap-x-8 gap-y-4">
      <div className="max-w-xl min-w-0">
        <div className="flex items-center gap-3">
          <h1
            ref={heading}
            tabIndex={-1}
            className="text-2xl font-semibold tracking-tight outline-none"
          >
            {title}
          </h1>
          {count !== undefined && <Count>{count}</Count>}
        </div>
        <p className="mt-2 text-sm text-muted">{description}</p>
      </div>
      {action}
    </header>
  );
}
