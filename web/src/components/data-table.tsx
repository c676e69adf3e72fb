import type { ReactNode } from 'react';
import clsx from 'clsx';
import type { RowFocus } from '@/lib/focus';

/**
 * Where a column starts to show, measured on the table's own width (a container query), not
 * the window's: beside the sidebar a tablet's table is much narrower than its window. `cell`
 * goes on the column's header and cells; below that width the row shows the column's content
 * in a cell that stays (the name's, typically), in an element with `inline`.
 */
export const columnFrom = {
  md: { cell: 'hidden @md:table-cell', inline: '@md:hidden' },
  '2xl': { cell: 'hidden @2xl:table-cell', inline: '@2xl:hidden' },
  '3xl': { cell: 'hidden @3xl:table-cell', inline: '@3xl:hidden' },
  '4xl': { cell: 'hidden @4xl:table-cell', inline: '@4xl:hidden' },
  '60rem': { cell: 'hidden @min-[60rem]:table-cell', inline: '@min-[60rem]:hidden' },
} as const;

export type ColumnWidth = keyof typeof columnFrom;

/** A table's columns' widths by name, checked against `columnFrom`'s and kept literal. */
export const columnWidths = <const T extends Record<string, ColumnWidth>>(widths: T): T => widths;

/**
 * The classes a row of a `stacked` table places its cells with. While the table is narrower
 * than `@xl` (a phone, a tablet beside the sidebar) each row is a small card instead of a
 * line: its first cell takes the whole top, the others share the line under it, the last
 * (the actions) at the right end.
 */
export const stackedRow = {
  row: '@max-xl:grid @max-xl:grid-cols-[minmax(0,1fr)_auto] @max-xl:items-center @max-xl:gap-x-3 @max-xl:gap-y-2 @max-xl:px-3 @max-xl:py-3',
  /** The first cell, over the others. */
  head: '@max-xl:col-span-2 @max-xl:p-0',
  /** Any other cell that shows. */
  cell: '@max-xl:p-0',
  /** A row that is no card, e.g. the confirmation under one, and its cell. */
  plain: '@max-xl:block',
};

/**
 * A list as a table: a header cell per column (`from` hides one while the table is narrower),
 * a last unlabelled-to-the-eye column for each row's actions, and the rows as children. What
 * stays must fit a phone, so the actions never scroll out of reach: fewer columns, or, with
 * `stacked`, rows laid out by `stackedRow` while the table is narrow.
 */
export function DataTable({
  columns,
  cellPadding,
  stacked = false,
  rowFocus,
  'data-testid': testId,
  children,
}: {
  columns: { label: string; from?: ColumnWidth; className?: string }[];
  /** The header cells' horizontal padding, matching the rows' cells. */
  cellPadding: 'px-3' | 'px-4';
  stacked?: boolean;
  /** From `useFocusAfterRemoval`, whose rows these are. */
  rowFocus?: RowFocus;
  'data-testid'?: string;
  children: ReactNode;
}) {
  return (
    <div
      {...rowFocus}
      className="@container relative overflow-x-auto rounded-xl border border-line bg-surface shadow-xs"
    >
      <table
        data-testid={testId}
        className={clsx('w-full text-left text-sm', stacked && stackedRow.plain)}
      >
        <thead
          className={clsx('border-b border-line text-xs text-subtle', stacked && '@max-xl:hidden')}
        >
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={clsx(
                  cellPadding,
                  'py-2 font-medium',
                  column.from && columnFrom[column.from].cell,
                  column.className,
                )}
              >
                {column.label}
              </th>
            ))}
            <th scope="col" className="w-px px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className={clsx('divide-y divide-line', stacked && stackedRow.plain)}>
          {children}
        </tbody>
      </table>
    </div>
  );
}
