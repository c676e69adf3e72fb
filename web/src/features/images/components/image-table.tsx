import type { ImageSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import { ImageRow, imageColumns } from './image-row';

export function ImageTable({
  images,
  onOpen,
}: {
  images: ImageSummary[];
  onOpen: (id: string) => void;
}) {
  return (
    <DataTable columns={imageColumns} cellPadding="px-4" data-testid="images-list">
      {images.map((image) => (
        <ImageRow key={image.id} image={image} onOpen={() => onOpen(image.id)} />
      ))}
    </DataTable>
  );
}
