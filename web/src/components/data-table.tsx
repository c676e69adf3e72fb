import type { ReactNode } from 'react';
import clsx from 'clsx';

/**
 * A list as a table: a header cell per column (`className` hides one on narrow screens), a
 * last unlabelled-to-the-eye column for each row's actions, and the rows as children.
 */
export function DataTable({
  columns,
  cellPadding,
  'data-testid': testId,
  children,
}: {
  columns: { label: string; className: string }[];
  /** The header cells' horizontal padding, matching the rows' cells. */
  cellPadding: 'px-3' | 'px-4';
  'data-testid'?: string;
  children: ReactNode;
}) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-line bg-surface shadow-xs">
      <table data-testid={testId} className="w-full text-left text-sm">
        <thead className="border-b border-line text-xs text-subtle">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={clsx(cellPadding, 'py-2 font-medium', column.className)}
              >
                {column.label}
              </th>
            ))}
            <th scope="col" className="w-px px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">{children}</tbody>
      </table>
    </div>
  );
}
