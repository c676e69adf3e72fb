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

interface Subscriber {
  dispatch: (name: string, data: string) => void;
  setState: (state: EventSourceState) => void;
}

/** One EventSource per URL, whichever components follow it. */
interface Shared {
  source: EventSource;
  state: EventSourceState;
  subscribers: Set<Subscriber>;
  /** Event names listened to on the source, and those that end it. */
  names: Set<string>;
  closeOn: Set<string>;
}

/*
 * A browser allows six connections per host, and two components may follow the same stream (a
 * pull in its dialog and in the pulls list): they share one connection.
 */
const shared = new Map<string, Shared>();

function setState(s: Shared, state: EventSourceState): void {
  s.state = state;
  for (const sub of s.subscribers) sub.setState(state);
}

function subscribe(
  url: string,
  names: readonly string[],
  closeOn: readonly string[],
  sub: Subscriber,
): () => void {
  let s = shared.get(url);
  // A stream that ended (or was refused) is not joined: whoever asks now gets a new one.
  if (!s || s.source.readyState === EventSource.CLOSED) {
    const source = new EventSource(url);
    const created: Shared = {
      source,
      state: 'connecting',
      subscribers: new Set(),
      names: new Set(),
      closeOn: new Set(),
    };
    source.onopen = () => setState(created, 'open');
    source.onerror = () =>
      setState(created, source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    shared.set(url, created);
    s = created;
  }
  const entry = s;
  for (const name of closeOn) entry.closeOn.add(name);
  for (const name of names) {
    if (entry.names.has(name)) continue;
    entry.names.add(name);
    entry.source.addEventListener(name, (event) => {
      for (const each of entry.subscribers) each.dispatch(name, event.data as string);
      if (entry.closeOn.has(name)) {
        entry.source.close();
        setState(entry, 'closed');
      }
    });
  }
  entry.subscribers.add(sub);
  sub.setState(entry.state);
  return () => {
    entry.subscribers.delete(sub);
    if (entry.subscribers.size > 0) return;
    entry.source.close();
    if (shared.get(url) === entry) shared.delete(url);
  };
}

/**
 * The one stream hook: follows a same-origin Server-Sent Events stream while mounted and `url`
 * is not null, and lets go of it on unmount or when `url` changes. Components following the
 * same URL share one EventSource: each gets the events from when it joined. The session cookie
 * goes along like on any same-origin request. A dropped connection is retried by EventSource
 * itself (it fires `open` again); a refused one is not, and the state says `closed`.
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
  const names = Object.keys(handlers).sort().join('\n');
  const closing = closeOn?.join('\n') ?? '';

  // A layout effect: the request goes out before the browser lays out and paints the page that
  // shows the stream (a container page just navigated to), not after.
  useLayoutEffect(() => {
    if (url === null) return;
    return subscribe(url, names.split('\n').filter(Boolean), closing.split('\n').filter(Boolean), {
      dispatch: (name, data) => dispatch(name, data),
      setState: (state) => setStatus({ url, state }),
    });
  }, [url, names, closing]);

  if (url === null) return 'closed';
  return status?.url === url ? status.state : 'connecting';
}
