import { Play } from 'lucide-react';
import { Button } from '@/components/button';
import { LaunchStatus } from './launch-status';
import { useLaunch } from './use-launch';

/**
 * Runs a local image as a container, as the Run dialog does after its registry lookup (an image
 * built here is in no registry): the daemon starts it at once (it pulls only what is not
 * local), then its page opens. Other features show it through the app (router.tsx), for an image
 * they made.
 */
export function RunImageButton({
  image,
  platform,
  'data-testid': testId,
}: {
  /** A reference podman knows, e.g. the arch tag `localhost/app:1-arm64`. */
  image: string;
  platform: string;
  'data-testid'?: string;
}) {
  const launch = useLaunch();
  return (
    <div className="space-y-2">
      <Button
        size="sm"
        icon={<Play aria-hidden />}
        busy={launch.busy}
        onClick={() => launch.launch({ image, platform })}
        aria-label={`Run ${image} as ${platform}`}
        data-testid={testId}
      >
        Run
      </Button>
      <LaunchStatus launch={launch} errorTestId={`${testId ?? 'run-image'}-error`} />
    </div>
  );
}
