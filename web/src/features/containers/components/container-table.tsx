import type { ContainerSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import { ContainerRow, containerColumns } from './container-row';

export function ContainerTable({ containers }: { containers: ContainerSummary[] }) {
  return (
    <DataTable columns={containerColumns} cellPadding="px-3" stacked data-testid="containers-list">
      {containers.map((container) => (
        <ContainerRow key={container.id} container={container} />
      ))}
    </DataTable>
  );
}
