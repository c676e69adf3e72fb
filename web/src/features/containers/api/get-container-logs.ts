import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError, LogBatch, LogEnd } from '@archdeck/shared';
import { useEventSource, type EventSourceState } from '@/lib/use-event-source';
import { LogStore } from '../log-store';
import { containerKeys } from './query-keys';

/** Lines kept in the browser; beyond it the oldest are dropped (and counted). */
export const LOG_CAPACITY = 200_000;

/** How many lines of history to ask for first, then on each "Load older". */
const TAILS = [500, 5_000, 50_000, LOG_CAPACITY];

/**
 * `GET /api/containers/:id/logs` as Server-Sent Events: the last `tail` lines, then new ones as
 * they come (`lines` {lines}; a slow reader slows the daemon down, nothing is dropped), then one `end`
 * {exitCode, running} when the container stops, or one `failed` {code, message} when podman
 * fails mid-stream; the daemon closes the stream after either.
 */
const containerLogsUrl = (
  id: string,
  { tail, timestamps }: { tail: number; timestamps: boolean },
) =>
  `/api/containers/${encodeURIComponent(id)}/logs?follow=true&tail=${tail}` +
  (timestamps ? '&timestamps=true' : '');

function parse<T>(data: string, key: string): T | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && key in value ? (value as T) : null;
  } catch {
    return null;
  }
}

/** One subscription's worth of log: reopening starts a new one with an empty store. */
interface LogSession {
  store: LogStore;
  tail: number;
  timestamps: boolean;
  end: LogEnd | null;
  /** When `end` arrived (Date.now()), to tell a later restart from the state before it. */
  endedAt: number;
  failure: ApiError | null;
}

const newSession = (tail: number, timestamps: boolean): LogSession => ({
  store: new LogStore(LOG_CAPACITY),
  tail,
  timestamps,
  end: null,
  endedAt: 0,
  failure: null,
});

interface ContainerLogs {
  store: LogStore;
  connection: EventSourceState;
  /** How the stream ended; null while it runs. */
  end: LogEnd | null;
  /** Why podman's stream failed, in the daemon's words; the stream is over then too. */
  failure: ApiError | null;
  /** Opens the stream again, from the same history. */
  reconnect: () => void;
  tail: number;
  timestamps: boolean;
  /** Reopens with more history; null when the most there is to ask for is shown already. */
  loadOlder: (() => void) | null;
  setTimestamps: (on: boolean) => void;
}

/**
 * Follows a container's log. Logs are a data stream, not server state: they are held in a
 * capped store outside the query cache, which a view subscribes to. When the stream ends the
 * container's queries are refreshed (the header shows the exit code). `runningSince` is when
 * the daemon was last seen saying the container runs (the detail query's `dataUpdatedAt`), or
 * null: a start after the stream ended reopens it, with the history again.
 */
export function useContainerLogs(id: string, runningSince: number | null): ContainerLogs {
  const queryClient = useQueryClient();
  const [session, setSession] = useState(() => newSession(TAILS[0]!, false));
  const { store } = session;

  // Started again after it stopped: follow the new run. Adjusted while rendering (not in an
  // effect) so the ended session is never shown with the new state. An end that found it still
  // running is left to the Reconnect button: reopening it at once could go round in circles.
  if (
    session.end &&
    !session.end.running &&
    runningSince !== null &&
    runningSince > session.endedAt
  ) {
    setSession(newSession(session.tail, session.timestamps));
  }

  // A replaced store stops taking in lines that were still waiting for a frame.
  useEffect(() => () => store.dispose(), [store]);

  const url = session.end || session.failure ? null : containerLogsUrl(id, session);
  const connection = useEventSource(
    url,
    {
      // EventSource's own `open`, on every (re)connection: after a dropped connection the
      // daemon sends the history again, which must not be appended a second time.
      open: () => {
        if (store.lines > 0 || store.rows > 0) store.clear();
      },
      lines: (data) => {
        const batch = parse<LogBatch>(data, 'lines');
        if (batch && Array.isArray(batch.lines)) store.addLines(batch.lines);
      },
      end: (data) => {
        const end = parse<LogEnd>(data, 'running') ?? { exitCode: null, running: false };
        store.addEnd(end);
        setSession((current) =>
          current.store === store ? { ...current, end, endedAt: Date.now() } : current,
        );
        void queryClient.invalidateQueries({ queryKey: containerKeys.all });
      },
      failed: (data) => {
        const failure = parse<ApiError>(data, 'message') ?? {
          code: 'log_stream_failed',
          message: 'The log stream failed.',
        };
        setSession((current) => (current.store === store ? { ...current, failure } : current));
      },
    },
    // The daemon closes the stream after these; EventSource would reconnect and replay it.
    { closeOn: ['end', 'failed'] },
  );

  const next = TAILS.find((tail) => tail > session.tail);
  // Fewer lines than asked for came: that was the whole history.
  const more = next !== undefined && store.lines >= session.tail;
  return {
    store,
    connection,
    end: session.end,
    failure: session.failure,
    reconnect: () => setSession(newSession(session.tail, session.timestamps)),
    tail: session.tail,
    timestamps: session.timestamps,
    loadOlder: more ? () => setSession(newSession(next, session.timestamps)) : null,
    setTimestamps: (on) => setSession(newSession(session.tail, on)),
  };
}
