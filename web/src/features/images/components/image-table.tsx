import type { ImageSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import { ImageRow } from './image-row';

/** The row's cells, in order; ImageRow renders the same five plus the actions. */
const columns = [
  { label: 'Image', className: '' },
  { label: 'Platform', className: '' },
  { label: 'Runs', className: '' },
  { label: 'Size', className: 'hidden text-right md:table-cell' },
  { label: 'Created', className: 'hidden md:table-cell' },
];

export function ImageTable({
  images,
  onOpen,
}: {
  images: ImageSummary[];
  onOpen: (id: string) => void;
}) {
  return (
    <DataTable columns={columns} cellPadding="px-4" data-testid="images-list">
      {images.map((image) => (
        <ImageRow key={image.id} image={image} onOpen={() => onOpen(image.id)} />
      ))}
    </DataTable>
  );
}
