import type { ReactNode } from 'react';
import clsx from 'clsx';

/** Label/value pairs as a real `<dl>`, so assistive tech reads them as pairs. */
export function DetailList({ children }: { children: ReactNode }) {
  return (
    <dl className="grid grid-cols-[minmax(7rem,max-content)_1fr] gap-x-6 gap-y-2.5 text-sm">
      {children}
    </dl>
  );
}

/** One pair of a DetailList; a null value is shown as "unknown" rather than left blank. */
export function Detail({
  term,
  children,
  mono = false,
  'data-testid': testId,
}: {
  term: string;
  children: ReactNode;
  mono?: boolean;
  'data-testid'?: string;
}) {
  const known = children !== null && children !== undefined && children !== '';
  return (
    <>
      <dt className="text-muted">{term}</dt>
      <dd
        data-testid={testId}
        className={clsx('min-w-0 break-words', mono && known && 'font-mono text-[13px]')}
      >
        {known ? children : <span className="text-subtle italic">unknown</span>}
      </dd>
    </>
  );
}

export function yesNo(value: boolean | null): string | null {
  return value === null ? null : value ? 'Yes' : 'No';
}
