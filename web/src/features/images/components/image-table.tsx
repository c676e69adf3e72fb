import type { ImageSummary } from '@archdeck/shared';
import { DataTable } from '@/components/data-table';
import type { RowFocus } from '@/lib/focus';
import { ImageRow, imageColumns } from './image-row';

export function ImageTable({
  images,
  onOpen,
  onRun,
  rowFocus,
}: {
  images: ImageSummary[];
  onOpen: (id: string) => void;
  onRun?: (image: ImageSummary) => void;
  rowFocus: RowFocus;
}) {
  return (
    <DataTable
      columns={imageColumns}
      cellPadding="px-4"
      rowFocus={rowFocus}
      data-testid="images-list"
    >
      {images.map((image) => (
        <ImageRow
          key={image.id}
          image={image}
          onOpen={() => onOpen(image.id)}
          onRun={onRun && (() => onRun(image))}
        />
      ))}
    </DataTable>
  );
}
