import { Callout } from '@/components/callout';
import { useHealth } from '../api/get-health';

/**
 * Above every page while the daemon has lost podman: what is listed may be stale (a container
 * shown running may have stopped), and nothing that needs podman will work until it is back.
 * The daemon reconnects by itself; the banner goes when it has (its event refetches health).
 */
export function PodmanBanner() {
  const { data } = useHealth();
  if (!data || data.podman.reachable) return null;
  return (
    <div role="status" className="mb-6">
      <Callout
        tone="error"
        data-testid="podman-down"
        title="podman is not reachable"
        description={
          <>
            What is shown may be out of date, and runs, pulls and logs wait until it is back.
            archdeck reconnects by itself.{data.podman.error ? ` ${data.podman.error}` : ''}
          </>
        }
      />
    </div>
  );
}
