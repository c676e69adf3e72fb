import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ChangeEvent } from '@archdeck/shared';
import { authKeys } from '@/features/auth/api/query-keys';
import { buildKeys } from '@/features/builds/api/query-keys';
import { containerKeys } from '@/features/containers/api/query-keys';
import { hostKeys } from '@/features/host/api/query-keys';
import { hostsKeys } from '@/features/hosts/api/query-keys';
import { imageKeys } from '@/features/images/api/query-keys';
import { manifestKeys } from '@/features/manifests/api/query-keys';
import { useEventSource } from '@/lib/use-event-source';

function parseChange(data: string): ChangeEvent | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && 'kind' in value
      ? (value as ChangeEvent)
      : null;
  } catch {
    return null;
  }
}

/** How long an invalidation waits for the rest of its burst. */
const COALESCE_MS = 100;

/**
 * Invalidates what shows each kind of change, once per burst: podman reports a run as create,
 * init, attach and start within milliseconds, and invalidating on each would refetch (and
 * cancel) the same queries four times over while the daemon is busy starting the container.
 */
function coalesced(queryClient: QueryClient) {
  const pending = new Set<ChangeEvent['kind']>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    for (const kind of pending) {
      if (kind === 'image') {
        void queryClient.invalidateQueries({ queryKey: imageKeys.list() });
        void queryClient.invalidateQueries({ queryKey: imageKeys.details() });
        // A list's entries say whether their images are still there, and their tags.
        void queryClient.invalidateQueries({ queryKey: manifestKeys.list() });
      } else if (kind === 'build') {
        void queryClient.invalidateQueries({ queryKey: buildKeys.list() });
      } else if (kind === 'push') {
        void queryClient.invalidateQueries({ queryKey: manifestKeys.pushes() });
      } else if (kind === 'manifest') {
        void queryClient.invalidateQueries({ queryKey: manifestKeys.list() });
      } else if (kind === 'launch') {
        // A launch that ended started a container, or left one that could not start.
        void queryClient.invalidateQueries({ queryKey: containerKeys.launches() });
        void queryClient.invalidateQueries({ queryKey: containerKeys.list() });
      } else if (kind === 'container') {
        void queryClient.invalidateQueries({ queryKey: containerKeys.all });
      } else if (kind === 'host') {
        void queryClient.invalidateQueries({ queryKey: hostKeys.health() });
        void queryClient.invalidateQueries({ queryKey: hostsKeys.list() });
      } else if (kind === 'preset') {
        void queryClient.invalidateQueries({ queryKey: containerKeys.presets() });
      } else {
        void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() });
      }
    }
    pending.clear();
  };
  const invalidate = (kind: ChangeEvent['kind']) => {
    pending.add(kind);
    timer ??= setTimeout(flush, COALESCE_MS);
  };
  invalidate.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending.clear();
  };
  return invalidate;
}

/**
 * Events notify, queries fetch: the daemon's one event stream says what changed (an image
 * pulled or removed by anyone, a container started, a pull begun or ended, a preset changed or
 * its registry answered) and the matching
 * queries are invalidated, so every page stays current without polling. `hello` comes on every
 * (re)connect; whatever happened while disconnected is unknown, so everything is refetched.
 * `podman` says the daemon lost (or regained) podman; the banner shows it.
 * Mounted once, inside the signed-in layout.
 */
export function LiveEvents() {
  const queryClient = useQueryClient();
  const [invalidate] = useState(() => coalesced(queryClient));
  useEffect(() => invalidate.cancel, [invalidate]);

  const state = useEventSource('/api/events', {
    hello: () => {
      invalidate.cancel();
      void queryClient.invalidateQueries();
    },
    change: (data) => {
      const change = parseChange(data);
      if (change) invalidate(change.kind);
    },
    // podman went away or came back: the health query says so (the banner reads it); on its
    // return a `hello` follows, which refetches the rest.
    podman: () => void queryClient.invalidateQueries({ queryKey: hostKeys.health() }),
  });

  // The browser retries a dropped stream by itself, but not a refused one. A refusal is most
  // likely an ended session (401): re-checking it brings back the login prompt if so.
  useEffect(() => {
    if (state === 'closed') void queryClient.invalidateQueries({ queryKey: authKeys.session });
  }, [state, queryClient]);

  return null;
}
