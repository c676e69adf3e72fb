import { useId, type ReactNode } from 'react';

/** A titled panel; the title is its heading, so the page outline reads card by card. */
export function Card({
  title,
  icon,
  aside,
  children,
  'data-testid': testId,
}: {
  title: string;
  icon?: ReactNode;
  /** Shown opposite the title, typically a status badge. */
  aside?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}) {
  const headingId = useId();
  return (
    <section
      data-testid={testId}
      aria-labelledby={headingId}
      className="rounded-xl border border-line bg-surface shadow-xs"
    >
      <header className="flex items-center justify-between gap-3 border-b border-line px-5 py-3.5">
        <h2 id={headingId} className="flex items-center gap-2 text-sm font-semibold">
          {icon && (
            <span aria-hidden className="text-subtle [&>svg]:size-4">
              {icon}
            </span>
          )}
          {title}
        </h2>
        {aside}
      </header>
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}
