import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ChangeEvent } from '@archdeck/shared';
import { authKeys } from '@/features/auth/api/query-keys';
import { containerKeys } from '@/features/containers/api/query-keys';
import { imageKeys } from '@/features/images/api/query-keys';
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

/**
 * Events notify, queries fetch: the daemon's one event stream says what changed (an image
 * pulled or removed by anyone, a container started, a pull begun or ended) and the matching
 * queries are invalidated, so every page stays current without polling. `hello` comes on every
 * (re)connect; whatever happened while disconnected is unknown, so everything is refetched.
 * Mounted once, inside the signed-in layout.
 */
export function LiveEvents() {
  const queryClient = useQueryClient();

  const state = useEventSource('/api/events', {
    hello: () => void queryClient.invalidateQueries(),
    change: (data) => {
      const change = parseChange(data);
      switch (change?.kind) {
        case 'image':
          void queryClient.invalidateQueries({ queryKey: imageKeys.list() });
          void queryClient.invalidateQueries({ queryKey: imageKeys.details() });
          break;
        case 'container':
          void queryClient.invalidateQueries({ queryKey: containerKeys.all });
          break;
        case 'pull':
          void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() });
          break;
      }
    },
  });

  // The browser retries a dropped stream by itself, but not a refused one. A refusal is most
  // likely an ended session (401): re-checking it brings back the login prompt if so.
  useEffect(() => {
    if (state === 'closed') void queryClient.invalidateQueries({ queryKey: authKeys.session });
  }, [state, queryClient]);

  return null;
}
