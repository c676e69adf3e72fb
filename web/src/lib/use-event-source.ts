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
  /**
   * Share one connection with every other component following this URL with `shared`, for a
   * stream whose latest event of these names says all there is (a pull's `job`): one who joins
   * late is handed those first. Without it, the stream is the component's own (a log's history
   * is sent once, on connect).
   */
  shared?: readonly string[];
}

interface Subscriber {
  dispatch: (name: string, data: string) => void;
  setState: (state: EventSourceState) => void;
}

/** An EventSource and the components following it. */
interface Shared {
  source: EventSource;
  state: EventSourceState;
  subscribers: Set<Subscriber>;
  /** Event names listened to on the source, and those that end it. */
  names: Set<string>;
  closeOn: Set<string>;
  /** The latest data of each event a late subscriber is handed first. */
  latest: Map<string, string>;
}

/*
 * A browser allows six connections per host, and two components may follow the same stream (a
 * pull in its dialog and in the pulls list): with `shared` they use one connection. All who
 * share a URL end it on the same events (the server ends it for all of them anyway).
 */
const shared = new Map<string, Shared>();

function setState(s: Shared, state: EventSourceState): void {
  s.state = state;
  for (const sub of s.subscribers) sub.setState(state);
}

function open(url: string, replay: readonly string[]): Shared {
  const source = new EventSource(url);
  const entry: Shared = {
    source,
    state: 'connecting',
    subscribers: new Set(),
    names: new Set(),
    closeOn: new Set(),
    latest: new Map(replay.map((name) => [name, ''])),
  };
  source.onopen = () => setState(entry, 'open');
  source.onerror = () =>
    setState(entry, source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  return entry;
}

function subscribe(
  url: string,
  names: readonly string[],
  options: { closeOn: readonly string[]; shared: readonly string[] | null },
  sub: Subscriber,
): () => void {
  let entry = options.shared ? shared.get(url) : undefined;
  // A stream that ended (or was refused) is not joined: whoever asks now gets a new one.
  if (!entry || entry.source.readyState === EventSource.CLOSED) {
    entry = open(url, options.shared ?? []);
    if (options.shared) shared.set(url, entry);
  } else {
    for (const [name, data] of entry.latest) if (data) sub.dispatch(name, data);
  }
  const own = entry;
  for (const name of options.closeOn) own.closeOn.add(name);
  for (const name of names) {
    if (own.names.has(name)) continue;
    own.names.add(name);
    own.source.addEventListener(name, (event) => {
      const data = event.data as string;
      if (own.latest.has(name)) own.latest.set(name, data);
      for (const each of own.subscribers) each.dispatch(name, data);
      if (own.closeOn.has(name)) {
        own.source.close();
        setState(own, 'closed');
      }
    });
  }
  own.subscribers.add(sub);
  sub.setState(own.state);
  return () => {
    own.subscribers.delete(sub);
    if (own.subscribers.size > 0) return;
    own.source.close();
    if (shared.get(url) === own) shared.delete(url);
  };
}

/**
 * The one stream hook: follows a same-origin Server-Sent Events stream while mounted and `url`
 * is not null, and lets go of it on unmount or when `url` changes (see `shared` for following
 * one stream from several components). The session cookie
 * goes along like on any same-origin request. A dropped connection is retried by EventSource
 * itself (it fires `open` again); a refused one is not, and the state says `closed`.
 *
 * Handlers may change on every render; the latest ones are called. Which events are listened
 * to is fixed by the names in `handlers`.
 */
export function useEventSource(
  url: string | null,
  handlers: EventSourceHandlers,
  { closeOn, shared: replay }: EventSourceOptions = {},
): EventSourceState {
  const [status, setStatus] = useState<{ url: string; state: EventSourceState } | null>(null);
  const dispatch = useEffectEvent((name: string, data: string) => handlers[name]?.(data));
  const names = Object.keys(handlers).sort().join('\n');
  const closing = closeOn?.join('\n') ?? '';
  const sharing = replay?.join('\n') ?? null;

  // A layout effect: the request goes out before the browser lays out and paints the page that
  // shows the stream (a container page just navigated to), not after.
  useLayoutEffect(() => {
    if (url === null) return;
    const list = (joined: string) => joined.split('\n').filter(Boolean);
    return subscribe(
      url,
      list(names),
      { closeOn: list(closing), shared: sharing === null ? null : list(sharing) },
      {
        dispatch: (name, data) => dispatch(name, data),
        setState: (state) => setStatus({ url, state }),
      },
    );
  }, [url, names, closing, sharing]);

  if (url === null) return 'closed';
  return status?.url === url ? status.state : 'connecting';
}
