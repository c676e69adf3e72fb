import { useId, type ReactNode } from 'react';
import clsx from 'clsx';
import { CircleAlert, TriangleAlert } from 'lucide-react';

export type CalloutTone = 'error' | 'warning';

/** The coloured left edge of a panel that reports a problem (a callout, a listed problem). */
export const calloutEdgeClass = (tone: CalloutTone) =>
  clsx(
    'rounded-xl border border-l-4 border-line bg-surface px-5 py-4',
    tone === 'error' ? 'border-l-red-500' : 'border-l-amber-500',
  );

/**
 * A problem that stands in the way, with what fixes it: its title and explanation, an action
 * beside them, and what else helps (a command, an error) under the explanation.
 */
export function Callout({
  tone,
  title,
  description,
  action,
  children,
  'data-testid': testId,
}: {
  tone: CalloutTone;
  title: string;
  description: ReactNode;
  action?: ReactNode;
  children?: ReactNode;
  'data-testid'?: string;
}) {
  const titleId = useId();
  const Icon = tone === 'error' ? CircleAlert : TriangleAlert;
  return (
    <section aria-labelledby={titleId} data-testid={testId} className={calloutEdgeClass(tone)}>
      <div className="flex flex-wrap items-start gap-3">
        <Icon
          aria-hidden
          className={clsx(
            'mt-0.5 size-5 shrink-0',
            tone === 'error'
              ? 'text-red-600 dark:text-red-400'
              : 'text-amber-600 dark:text-amber-400',
          )}
        />
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="font-semibold">
            {title}
          </h2>
          <p className="mt-1 text-sm text-muted">{description}</p>
          {children && <div className="mt-3 space-y-3">{children}</div>}
        </div>
        {action}
      </div>
    </section>
  );
}
