import { useState } from 'react';
import { RunDialog } from '@/features/containers/components/run-dialog';
import { ImagesPage } from '@/features/images/components/images-page';
import { RegistryTagList } from '@/features/registries/components/registry-tags';
import type { LocalImage } from '@/lib/run-target';

/**
 * The Images page with Run on each image and its repository's tags in the registry. Features do
 * not import each other: Images says which image to run, and the Containers feature's Run dialog
 * runs it; an image's details leave room for the Registries feature's tag list; they meet here.
 */
export function ImagesRoute() {
  const [running, setRunning] = useState<LocalImage | null>(null);
  return (
    <>
      <ImagesPage
        onRun={setRunning}
        registryTags={(repository) => <RegistryTagList repository={repository} />}
      />
      {running && <RunDialog image={running} onClose={() => setRunning(null)} />}
    </>
  );
}
