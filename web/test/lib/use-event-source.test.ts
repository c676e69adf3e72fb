// @vitest-environment happy-dom
/**
 * The one stream hook, against a stand-in for the browser's EventSource that behaves as the
 * HTML spec says (readyState, `open`, named events, `error` for a retried or a failed
 * connection, nothing after close()) and lets the test play the server and the network.
 */
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEventSource } from '@/lib/use-event-source';

class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  /** Every source created, in order. */
  static created: FakeEventSource[] = [];

  readonly url: string;
  readonly withCredentials = false;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string | URL) {
    super();
    this.url = String(url);
    FakeEventSource.created.push(this);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  // What the network and the server do; a closed source hears nothing more.

  /** The connection is announced (the server answered 200 text/event-stream). */
  announce(): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    this.readyState = FakeEventSource.OPEN;
    this.fire(new Event('open'));
  }

  /** The server sends `event: name` with `data`. */
  send(name: string, data: string): void {
    if (this.readyState !== FakeEventSource.OPEN) return;
    this.fire(new MessageEvent(name, { data }));
  }

  /** The connection dropped: the browser will reconnect by itself. */
  drop(): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    this.readyState = FakeEventSource.CONNECTING;
    this.fire(new Event('error'));
  }

  /** The connection is failed (an error status): the browser gives up. */
  fail(): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    this.readyState = FakeEventSource.CLOSED;
    this.fire(new Event('error'));
  }

  private fire(event: Event): void {
    if (event.type === 'open') this.onopen?.(event);
    if (event.type === 'error') this.onerror?.(event);
    if (event.type === 'message') this.onmessage?.(event as MessageEvent);
    this.dispatchEvent(event);
  }
}

const sources = () => FakeEventSource.created;
const only = () => {
  expect(sources()).toHaveLength(1);
  return sources()[0]!;
};

beforeEach(() => {
  FakeEventSource.created = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

type Handlers = Record<string, (data: string) => void>;
type Options = Parameters<typeof useEventSource>[2];

function follow(url: string | null, handlers: Handlers, options?: Options) {
  return renderHook(
    ({ url, handlers }: { url: string | null; handlers: Handlers }) =>
      useEventSource(url, handlers, options),
    { initialProps: { url, handlers } },
  );
}

describe('useEventSource: one stream', () => {
  it('says connecting, open, connecting while the browser retries, and closed once refused', () => {
    const { result } = follow('/s', { tick: () => {} });
    const source = only();
    expect(source.url).toBe('/s');
    expect(result.current).toBe('connecting');
    act(() => source.announce());
    expect(result.current).toBe('open');
    act(() => source.drop());
    expect(result.current).toBe('connecting');
    act(() => source.announce());
    expect(result.current).toBe('open');
    act(() => source.fail());
    expect(result.current).toBe('closed');
    expect(sources()).toHaveLength(1);
  });

  it('hands each named event to its handler, the latest one given', () => {
    const first = vi.fn();
    const second = vi.fn();
    const other = vi.fn();
    const { rerender } = follow('/s', { tick: first, other });
    const source = only();
    act(() => source.announce());
    act(() => source.send('tick', '1'));
    expect(first).toHaveBeenCalledWith('1');

    rerender({ url: '/s', handlers: { tick: second, other } });
    act(() => source.send('tick', '2'));
    act(() => source.send('unknown', 'x'));
    act(() => source.send('message', 'y'));
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledWith('2');
    expect(other).not.toHaveBeenCalled();
    // Handlers changing does not reconnect.
    expect(sources()).toHaveLength(1);
  });

  it('closes the source after a closeOn event has been handled, and says closed', () => {
    const order: string[] = [];
    const { result } = follow(
      '/s',
      { lines: (d) => order.push(`lines ${d}`), end: (d) => order.push(`end ${d}`) },
      { closeOn: ['end'] },
    );
    const source = only();
    act(() => source.announce());
    act(() => source.send('lines', 'a'));
    expect(result.current).toBe('open');
    act(() => {
      source.send('end', '{}');
      // The server closing the stream now would make the browser reconnect: it must not.
      source.drop();
      source.announce();
    });
    expect(order).toEqual(['lines a', 'end {}']);
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(result.current).toBe('closed');
    expect(sources()).toHaveLength(1);
  });

  it('opens nothing for a null url, and says closed', () => {
    const { result } = follow(null, { tick: () => {} });
    expect(sources()).toHaveLength(0);
    expect(result.current).toBe('closed');
  });

  it('lets go of the old stream when the url changes, and never shows its state', () => {
    const rendered: string[] = [];
    const { result, rerender } = renderHook(
      ({ url }: { url: string | null }) => {
        const state = useEventSource(url, { tick: () => {} });
        rendered.push(`${url} ${state}`);
        return state;
      },
      { initialProps: { url: '/a' as string | null } },
    );
    const a = only();
    act(() => a.announce());
    expect(result.current).toBe('open');

    rendered.length = 0;
    rerender({ url: '/b' });
    expect(a.readyState).toBe(FakeEventSource.CLOSED);
    expect(sources().map((s) => s.url)).toEqual(['/a', '/b']);
    expect(result.current).toBe('connecting');
    expect(rendered).not.toContain('/b open');

    rerender({ url: null });
    expect(sources()[1]!.readyState).toBe(FakeEventSource.CLOSED);
    expect(result.current).toBe('closed');
  });

  it('closes the source on unmount', () => {
    const { unmount } = follow('/s', { tick: () => {} });
    unmount();
    expect(only().readyState).toBe(FakeEventSource.CLOSED);
  });

  it('gives each component its own stream unless asked to share', () => {
    follow('/s', { tick: () => {} });
    follow('/s', { tick: () => {} });
    expect(sources()).toHaveLength(2);
    // Not even one that others share: its history is sent on connect, and it needs it.
    follow('/s', { tick: () => {} }, { shared: ['tick'] });
    follow('/s', { tick: () => {} });
    expect(sources()).toHaveLength(4);
  });
});

describe('useEventSource: a shared stream', () => {
  const options = { closeOn: ['end'], shared: ['job'] };

  it('is one connection for every component following the url, each handed every event', () => {
    const dialog = vi.fn();
    const list = vi.fn();
    const a = follow('/pull', { job: dialog, end: () => {} }, options);
    const b = follow('/pull', { job: list, end: () => {} }, options);
    const source = only();
    act(() => source.announce());
    expect(a.result.current).toBe('open');
    expect(b.result.current).toBe('open');
    act(() => source.send('job', '{"n":1}'));
    expect(dialog.mock.calls).toEqual([['{"n":1}']]);
    expect(list.mock.calls).toEqual([['{"n":1}']]);

    a.unmount();
    expect(source.readyState).toBe(FakeEventSource.OPEN);
    b.unmount();
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
  });

  it('hands one who joins late the latest event of the shared names, and only those', () => {
    follow('/pull', { job: () => {}, note: () => {}, end: () => {} }, options);
    const source = only();
    act(() => source.announce());
    act(() => {
      source.send('job', '1');
      source.send('job', '2');
      source.send('note', 'not replayed');
    });

    const late = vi.fn();
    const lateNote = vi.fn();
    const { result } = follow('/pull', { job: late, note: lateNote, end: () => {} }, options);
    expect(sources()).toHaveLength(1);
    expect(late).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledWith('2');
    expect(lateNote).not.toHaveBeenCalled();
    expect(result.current).toBe('open');
  });

  it('hands a late joiner nothing before the first event', () => {
    follow('/pull', { job: () => {}, end: () => {} }, options);
    act(() => only().announce());
    const late = vi.fn();
    follow('/pull', { job: late, end: () => {} }, options);
    expect(late).not.toHaveBeenCalled();
  });

  it('ends for all on a closeOn event, and one who asks after that gets a new stream', () => {
    const a = follow('/pull', { job: () => {}, end: () => {} }, options);
    const b = follow('/pull', { job: () => {}, end: () => {} }, options);
    const first = only();
    act(() => first.announce());
    act(() => first.send('end', 'done'));
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(a.result.current).toBe('closed');
    expect(b.result.current).toBe('closed');

    const again = vi.fn();
    const c = follow('/pull', { job: again, end: () => {} }, options);
    expect(sources()).toHaveLength(2);
    expect(again).not.toHaveBeenCalled();
    expect(c.result.current).toBe('connecting');
    // The old subscribers leaving does not close the new stream.
    a.unmount();
    b.unmount();
    expect(sources()[1]!.readyState).toBe(FakeEventSource.CONNECTING);
  });

  it('does not join a stream the server refused', () => {
    follow('/pull', { job: () => {} }, options);
    act(() => only().fail());
    follow('/pull', { job: () => {} }, options);
    expect(sources()).toHaveLength(2);
  });
});
