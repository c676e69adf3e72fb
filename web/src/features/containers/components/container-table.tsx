import type { ContainerSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import { ContainerRow } from './container-row';

/** The row's cells, in order; ContainerRow renders the same five plus the actions. */
const columns = [
  { label: 'Name', className: '' },
  { label: 'Image', className: '' },
  { label: 'Platform', className: '' },
  { label: 'State', className: '' },
  { label: 'Created', className: 'hidden lg:table-cell' },
];

export function ContainerTable({ containers }: { containers: ContainerSummary[] }) {
  return (
    <DataTable columns={columns} cellPadding="px-3" data-testid="containers-list">
      {containers.map((container) => (
        <ContainerRow key={container.id} container={container} />
      ))}
    </DataTable>
  );
}
