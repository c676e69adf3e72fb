import clsx from 'clsx';
import type { ImageSummary } from '@archdeck/shared';
import { ImageRow } from './image-row';

/** The row's cells, in order; ImageRow renders the same five plus the actions. */
const headers = [
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
    <div className="relative overflow-x-auto rounded-xl border border-line bg-surface shadow-xs">
      <table data-testid="images-list" className="w-full text-left text-sm">
        <thead className="border-b border-line text-xs text-subtle">
          <tr>
            {headers.map((header) => (
              <th
                key={header.label}
                scope="col"
                className={clsx('px-4 py-2 font-medium', header.className)}
              >
                {header.label}
              </th>
            ))}
            <th scope="col" className="w-px px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {images.map((image) => (
            <ImageRow key={image.id} image={image} onOpen={() => onOpen(image.id)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
