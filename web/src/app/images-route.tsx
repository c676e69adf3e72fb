import { useState } from 'react';
import { RunDialog } from '@/features/containers/components/run-dialog';
import { ImagesPage } from '@/features/images/components/images-page';
import type { LocalImage } from '@/lib/run-target';

/**
 * The Images page with Run on each image. Features do not import each other: Images says which
 * image to run, and the Containers feature's Run dialog runs it; they meet here.
 */
export function ImagesRoute() {
  const [running, setRunning] = useState<LocalImage | null>(null);
  return (
    <>
      <ImagesPage onRun={setRunning} />
      {running && <RunDialog image={running} onClose={() => setRunning(null)} />}
    </>
  );
}
