import {
  useDeferredValue,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
} from 'react';
import clsx from 'clsx';
import { ArrowDownToLine, ChevronDown, ChevronUp, Download, History } from 'lucide-react';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { SearchBox } from '@/components/search-box';
import { LOG_CAPACITY, useContainerLogs } from '../api/get-container-logs';
import { lowerBound, type LogStore } from '../log-store';
import { DroppedMarker, LogRow, ROW_HEIGHT } from './log-row';

/** Rows rendered above and below the visible ones, so fast scrolling rarely shows a gap. */
const OVERSCAN = 30;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Saves `text` as a file: a Blob behind a short-lived object URL, nothing inline. */
function saveText(text: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once started; the URL only needs to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Where the view is scrolled to, measured against the store it was measured on. */
interface Position {
  store: LogStore;
  /** scrollTop, in px. */
  top: number;
  /** The row offset (see `offset` below) when `top` was measured. */
  offset: number;
  /** The sequence number of the search match being shown, if any. */
  current: number | null;
}

/**
 * A container's log, live. Only the rows in view are in the DOM (each exactly ROW_HEIGHT tall;
 * two spacers stand for the rest), so 200,000 lines scroll like 50. Lines arrive through a
 * capped store that takes them in once per animation frame. Following keeps the newest line
 * in view and stops as soon as the reader scrolls up; scrolling back to the bottom resumes it.
 *
 * Hand-rolled rather than @tanstack/react-virtual: rows never wrap (they scroll sideways), so
 * nothing needs measuring and a frame's work is a few sums. The library rebuilds every row's
 * position and looks its scroll anchor up by key whenever the first or last row changes, which
 * a stream does every frame: O(lines) a frame, about 15 ms at 200,000 lines here (issue 14).
 */
export function LogView({
  containerId,
  fileName,
  runningSince,
}: {
  containerId: string;
  /** The download's name, without extension. */
  fileName: string;
  /** See useContainerLogs: when the container was last seen running, else null. */
  runningSince: number | null;
}) {
  const logs = useContainerLogs(containerId, runningSince);
  const { store } = logs;
  useSyncExternalStore(store.subscribe, store.getVersion);

  const scroller = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(0);
  const [follow, setFollow] = useState(true);
  const [position, setPosition] = useState<Position>({
    store,
    top: 0,
    offset: 0,
    current: null,
  });
  const [query, setQuery] = useState('');
  const statusId = useId();

  // A reopened stream (load older, timestamps, a restart) starts from its own top.
  if (position.store !== store) setPosition({ store, top: 0, offset: 0, current: null });

  // Row r shows the entry with sequence number r + offset; row 0 is the "dropped" marker once
  // lines have been dropped, which shifts the rest down by one.
  const markerRows = store.dropped > 0 ? 1 : 0;
  const offset = store.base - markerRows;
  const rows = store.rows;
  const maxTop = Math.max(0, rows * ROW_HEIGHT - height);
  const top = follow
    ? maxTop
    : Math.min(maxTop, Math.max(0, position.top - (offset - position.offset) * ROW_HEIGHT));
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);

  const deferredQuery = useDeferredValue(query);
  const needle = deferredQuery.trim();
  const highlight = useMemo(
    () => (needle ? new RegExp(escapeRegExp(needle), 'gi') : null),
    [needle],
  );
  // The store keeps the list of matching lines up to date as lines come and go.
  useEffect(() => {
    store.setPattern(needle ? new RegExp(escapeRegExp(needle), 'i') : null);
  }, [store, needle]);

  const renderedOffset = useRef(offset);
  const renderedStore = useRef(store);
  const pinned = useRef<number | null>(null);
  const seek = useRef(false);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const reopened = renderedStore.current !== store;
    const shift = reopened ? 0 : offset - renderedOffset.current;
    renderedOffset.current = offset;
    renderedStore.current = store;
    if (reopened) pinned.current = null;
    if (seek.current || (reopened && !follow)) {
      seek.current = false;
      element.scrollTop = top;
    } else if (follow) {
      // Scrolled up since the last pin: that scroll's own event is about to end following.
      if (pinned.current !== null && element.scrollTop < pinned.current - 2) return;
      element.scrollTop = element.scrollHeight;
    } else if (shift !== 0) {
      // Lines dropped from the top: keep the same lines in view.
      element.scrollTop -= shift * ROW_HEIGHT;
    }
    pinned.current = follow ? element.scrollTop : null;
  });

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    // An empty view scrolls only as its rows go (a reopened stream, its scrollTop clamped to 0):
    // that is no reader scrolling to the bottom, and "Load older" must stay at the top.
    if (rows === 0) return;
    const element = scroller.current!;
    const atBottom =
      element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT / 2;
    setPosition((p) => ({ ...p, top: element.scrollTop, offset: renderedOffset.current }));
    setFollow(atBottom);
  };

  const seekTo = (targetTop: number, current: number | null) => {
    seek.current = true;
    setFollow(false);
    setPosition({ store, top: targetTop, offset, current });
  };

  const setFollowing = (on: boolean) => {
    if (on) {
      setFollow(true);
    } else {
      seekTo(scroller.current?.scrollTop ?? top, position.current);
    }
  };

  // Search: the store has the matching lines' sequence numbers, in order.
  const matches = needle ? store.matches : [];
  const currentIndex = position.current === null ? -1 : lowerBound(matches, position.current);
  const onMatch =
    currentIndex >= 0 && matches[currentIndex] === position.current ? currentIndex : -1;

  const go = (direction: 1 | -1) => {
    if (matches.length === 0) return;
    // From the match shown, else from the top of the view.
    const from = position.current ?? Math.floor(top / ROW_HEIGHT) + offset;
    let index =
      direction === 1
        ? lowerBound(matches, from + (position.current === null ? 0 : 1))
        : lowerBound(matches, from) - 1;
    if (index >= matches.length) index = 0;
    if (index < 0) index = matches.length - 1;
    const seq = matches[index]!;
    const row = seq - offset;
    seekTo(Math.max(0, row * ROW_HEIGHT - height / 2 + ROW_HEIGHT / 2), seq);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      go(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      setQuery('');
    }
  };

  const visible = [];
  for (let row = first; row < last; row += 1) {
    if (row < markerRows) {
      visible.push(<DroppedMarker key="dropped" count={store.dropped} capacity={LOG_CAPACITY} />);
      continue;
    }
    const seq = row + offset;
    const entry = store.entries[seq - store.base];
    if (!entry) continue;
    visible.push(
      <LogRow
        key={seq}
        entry={entry}
        pattern={highlight}
        current={seq === position.current && onMatch >= 0}
      />,
    );
  }

  const status = logs.failure
    ? 'failed'
    : logs.end
      ? 'ended'
      : logs.connection === 'open'
        ? 'live'
        : logs.connection === 'connecting'
          ? 'connecting'
          : 'unavailable';

  return (
    <section
      aria-label="Logs"
      className="overflow-hidden rounded-xl border border-line bg-surface shadow-xs"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-line px-3 py-2">
        <div className="flex items-center gap-1">
          <SearchBox
            value={query}
            onChange={setQuery}
            onKeyDown={onSearchKey}
            label="Search the logs"
            clearLabel="Clear the search"
            placeholder="Search"
            aria-describedby={needle ? statusId : undefined}
            data-testid="log-search"
            placement="toolbar"
            className="w-56"
          />
          {needle && (
            <>
              <span
                id={statusId}
                role="status"
                data-testid="log-search-count"
                className="min-w-16 px-1 text-center text-xs text-muted tabular-nums"
              >
                {matches.length === 0
                  ? 'no match'
                  : `${onMatch >= 0 ? (onMatch + 1).toLocaleString() : '–'} / ${matches.length.toLocaleString()}`}
              </span>
              <Button
                size="sm"
                variant="ghost"
                icon={<ChevronUp aria-hidden />}
                aria-label="Previous match"
                title="Previous match (Shift+Enter)"
                disabledReason={matches.length === 0 ? 'No match' : null}
                onClick={() => go(-1)}
                data-testid="log-search-prev"
              />
              <Button
                size="sm"
                variant="ghost"
                icon={<ChevronDown aria-hidden />}
                aria-label="Next match"
                title="Next match (Enter)"
                disabledReason={matches.length === 0 ? 'No match' : null}
                onClick={() => go(1)}
                data-testid="log-search-next"
              />
            </>
          )}
        </div>

        <div className="ml-auto flex flex-wrap items-center gap-1.5">
          <span className="mr-1 flex items-center gap-1.5 text-xs text-muted">
            <span
              aria-hidden
              className={clsx(
                'size-1.5 rounded-full',
                status === 'live' && 'animate-pulse bg-emerald-500',
                status === 'connecting' && 'bg-amber-500',
                status === 'ended' && 'bg-zinc-400',
                (status === 'unavailable' || status === 'failed') && 'bg-red-500',
              )}
            />
            <span data-testid="log-status">{status}</span>
            <span className="text-subtle tabular-nums">
              · {store.lines.toLocaleString()} line{store.lines === 1 ? '' : 's'}
            </span>
          </span>
          <label className="flex cursor-pointer items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-muted hover:bg-sunken hover:text-fg has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-zinc-500">
            <input
              type="checkbox"
              checked={logs.timestamps}
              onChange={(event) => logs.setTimestamps(event.target.checked)}
              data-testid="log-timestamps"
              className="size-3.5 accent-zinc-900 dark:accent-zinc-100"
            />
            Timestamps
          </label>
          <Button
            size="sm"
            variant="ghost"
            icon={<History aria-hidden />}
            disabledReason={logs.loadOlder ? null : 'The whole log is shown'}
            onClick={() => {
              logs.loadOlder?.();
              setFollow(false);
            }}
            title="Load older lines (reopens the log with more history)"
            data-testid="log-load-older"
          >
            Load older
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon={<Download aria-hidden />}
            onClick={() => saveText(store.text(), `${fileName}.log.txt`)}
            title="Download the lines shown, without colours, as a text file"
            data-testid="log-download"
          >
            Download
          </Button>
          <button
            type="button"
            aria-pressed={follow}
            onClick={() => setFollowing(!follow)}
            title={follow ? 'Stop following new lines' : 'Follow new lines'}
            data-testid="log-follow"
            className={clsx(
              'inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500 [&>svg]:size-3.5',
              follow
                ? 'bg-zinc-900 text-white ring-zinc-900 dark:bg-zinc-100 dark:text-zinc-900 dark:ring-zinc-100'
                : 'text-muted ring-line hover:bg-sunken hover:text-fg',
            )}
          >
            <ArrowDownToLine aria-hidden />
            Follow
          </button>
        </div>
      </div>

      {(logs.failure || (logs.end?.running ?? false) || status === 'unavailable') && (
        <div className="border-b border-line px-3 py-2.5">
          {logs.failure ? (
            <div data-testid="log-error">
              <ErrorNotice
                title="The log stream failed"
                error={logs.failure.message}
                onRetry={logs.reconnect}
              />
            </div>
          ) : (
            <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
              {status === 'unavailable'
                ? 'The daemon refused the log: the container may be gone.'
                : 'The log stream ended while the container still runs.'}
              <Button size="sm" onClick={logs.reconnect} data-testid="log-reconnect">
                Reconnect
              </Button>
            </p>
          )}
        </div>
      )}
      <div
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label="Log lines"
        data-testid="log-view"
        className="h-[min(65vh,40rem)] min-h-64 overflow-auto bg-surface py-0 font-mono text-xs [overflow-anchor:none] focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-zinc-500"
      >
        {rows === 0 ? (
          <p className="px-4 py-3 font-sans text-sm text-muted">
            {status === 'connecting'
              ? 'Connecting to the log…'
              : status === 'unavailable' || status === 'failed'
                ? 'No lines.'
                : 'No output yet.'}
          </p>
        ) : (
          <div className="w-max min-w-full">
            {/* Spacers stand for the rows out of view; SVG heights are attributes, not styles. */}
            <svg aria-hidden width="1" height={first * ROW_HEIGHT} className="block" />
            {visible}
            <svg aria-hidden width="1" height={(rows - last) * ROW_HEIGHT} className="block" />
          </div>
        )}
      </div>
    </section>
  );
}
