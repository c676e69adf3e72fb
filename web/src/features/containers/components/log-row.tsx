import { memo } from 'react';
import clsx from 'clsx';
import { parseAnsi } from '../ansi';
import type { LogEntry } from '../log-store';
import { markMatches } from '../mark-matches';

/** Every row is exactly this tall (`h-5`): the view works out which rows are visible from it. */
export const ROW_HEIGHT = 20;

const rowClass = 'flex h-5 leading-5 whitespace-pre';

function Marker({
  children,
  tone = 'neutral',
  'data-testid': testId,
}: {
  children: string;
  tone?: 'neutral' | 'ok' | 'error';
  'data-testid': string;
}) {
  return (
    <div data-testid={testId} className={clsx(rowClass, 'font-sans')}>
      <span aria-hidden className="sticky left-0 w-16 shrink-0 bg-surface" />
      <span
        className={clsx(
          'px-2 text-xs font-medium italic',
          tone === 'ok' && 'text-emerald-700 dark:text-emerald-400',
          tone === 'error' && 'text-red-700 dark:text-red-400',
          tone === 'neutral' && 'text-muted',
        )}
      >
        {children}
      </span>
    </div>
  );
}

/**
 * One row of the log. A line is its number, a bar marking stderr, and its text: escapes become
 * classes on spans (never markup), search matches are marked. Memoised: while lines stream in,
 * only rows that scroll into view are rendered again.
 */
export const LogRow = memo(function LogRow({
  entry,
  pattern,
  current,
}: {
  entry: LogEntry;
  /** The search, global and case-insensitive; null when there is none. */
  pattern: RegExp | null;
  /** This is the match the search is on. */
  current: boolean;
}) {
  if (entry.kind === 'end') {
    const { exitCode, running } = entry.end;
    return (
      <Marker
        data-testid="log-end"
        tone={running || exitCode === null ? 'neutral' : exitCode === 0 ? 'ok' : 'error'}
      >
        {entry.plain}
      </Marker>
    );
  }
  const err = entry.kind === 'err';
  const pieces = markMatches(parseAnsi(entry.raw), entry.plain, pattern);
  // The number is generated content (from data-n), so a row's text is the line's text alone:
  // what a copy or a test reads. The stderr bar is named for assistive tech, not as text.
  return (
    <div
      data-testid="log-line"
      data-stream={entry.kind}
      data-n={entry.n}
      className={clsx(
        rowClass,
        'before:sticky before:left-0 before:w-16 before:shrink-0 before:bg-surface before:pr-3 before:text-right before:text-subtle before:tabular-nums before:content-[attr(data-n)]',
        err && 'bg-red-500/[0.07]',
        current && 'bg-amber-400/25 dark:bg-amber-400/20',
      )}
    >
      {err ? (
        <span
          role="img"
          aria-label="stderr"
          title="stderr"
          className="mr-2 w-0.5 shrink-0 bg-red-500"
        />
      ) : (
        <span aria-hidden className="mr-2 w-0.5 shrink-0" />
      )}
      <span className={clsx('pr-4', err && 'text-red-900 dark:text-red-200')}>
        {pieces.map((piece, index) =>
          piece.match ? (
            // A match drops the line's colours, so it reads the same on every colour.
            <mark key={index} className="rounded-sm bg-amber-300 text-zinc-900 dark:bg-amber-400">
              {piece.text}
            </mark>
          ) : (
            <span key={index} className={piece.classes || undefined}>
              {piece.text}
            </span>
          ),
        )}
      </span>
    </div>
  );
});

export function DroppedMarker({ count, capacity }: { count: number; capacity: number }) {
  return (
    <Marker data-testid="log-dropped">
      {`… ${count.toLocaleString()} earlier line${count === 1 ? '' : 's'} dropped: this view keeps the last ${capacity.toLocaleString()} …`}
    </Marker>
  );
}
