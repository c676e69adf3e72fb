import type { ContainerSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import type { RowFocus } from '@/lib/focus';
import { ContainerRow, containerColumns } from './container-row';

export function ContainerTable({
  containers,
  rowFocus,
}: {
  containers: ContainerSummary[];
  rowFocus: RowFocus;
}) {
  return (
    <DataTable
      columns={containerColumns}
      cellPadding="px-3"
      stacked
      rowFocus={rowFocus}
      data-testid="containers-list"
    >
      {containers.map((container) => (
        <ContainerRow key={container.id} container={container} />
      ))}
    </DataTable>
  );
}
