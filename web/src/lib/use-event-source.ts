import { useEffectEvent, useLayoutEffect, useState } from 'react';

/** One handler per SSE `event:` name; it gets the event's `data` as the raw string. */
type EventSourceHandlers = Record<string, (data: string) => void>;

/**
 * `connecting`: opening, or lost and being retried by the browser. `closed`: not subscribed,
 * ended by its `closeOn` event, or the browser gave up (the server answered with an error
 * status, e.g. 401 or 404).
 */
export type EventSourceState = 'connecting' | 'open' | 'closed';

interface EventSourceOptions {
  /**
   * The events after which the server ends the stream, e.g. `['end']`. EventSource would take
   * the server closing as a dropped connection and reconnect by itself, replaying the stream;
   * so the source is closed as soon as one of these has been handled, and the state says
   * `closed`.
   */
  closeOn?: readonly string[];
}

/**
 * The one stream hook: subscribes to a same-origin Server-Sent Events stream while mounted and
 * `url` is not null, and closes it on unmount or when `url` changes. The session cookie goes
 * along like on any same-origin request. A dropped connection is retried by EventSource itself
 * (it fires `open` again); a refused one is not, and the state says `closed`.
 *
 * Handlers may change on every render; the latest ones are called. Which events are listened
 * to is fixed by the names in `handlers`.
 */
export function useEventSource(
  url: string | null,
  handlers: EventSourceHandlers,
  { closeOn }: EventSourceOptions = {},
): EventSourceState {
  const [status, setStatus] = useState<{ url: string; state: EventSourceState } | null>(null);
  const dispatch = useEffectEvent((name: string, data: string) => handlers[name]?.(data));
  // Event names cannot contain a newline (SSE is line-based), so this joins them safely.
  const names = Object.keys(handlers).sort().join('\n');
  const closing = closeOn?.join('\n') ?? '';

  // A layout effect: the request goes out before the browser lays out and paints the page that
  // shows the stream (a container page just navigated to), not after.
  useLayoutEffect(() => {
    if (url === null) return;
    const source = new EventSource(url);
    const last = new Set(closing.split('\n'));
    for (const name of names.split('\n')) {
      if (!name) continue;
      source.addEventListener(name, (event) => {
        dispatch(name, event.data as string);
        if (last.has(name)) {
          source.close();
          setStatus({ url, state: 'closed' });
        }
      });
    }
    source.onopen = () => setStatus({ url, state: 'open' });
    source.onerror = () =>
      setStatus({
        url,
        state: source.readyState === EventSource.CLOSED ? 'closed' : 'connecting',
      });
    return () => source.close();
  }, [url, names, closing]);

  if (url === null) return 'closed';
  return status?.url === url ? status.state : 'connecting';
}
