/**
 * A log row's search highlight: the row's styled segments cut where the search matches in its
 * visible text, so a match can span colours and a colour can hold several matches. Pure.
 */
import type { AnsiSegment } from './ansi';

interface Piece extends AnsiSegment {
  match: boolean;
}

/**
 * The segments again, cut where `pattern` (global) matches in their joined text `plain`,
 * matches marked.
 */
export function markMatches(
  segments: AnsiSegment[],
  plain: string,
  pattern: RegExp | null,
): Piece[] {
  const pieces: Piece[] = [];
  if (!pattern) {
    for (const segment of segments) pieces.push({ ...segment, match: false });
    return pieces;
  }
  const ranges: [number, number][] = [];
  pattern.lastIndex = 0;
  for (let found = pattern.exec(plain); found; found = pattern.exec(plain)) {
    if (found[0].length === 0) break;
    ranges.push([found.index, found.index + found[0].length]);
  }
  let at = 0;
  let range = 0;
  for (const segment of segments) {
    const end = at + segment.text.length;
    let cursor = at;
    while (cursor < end) {
      while (range < ranges.length && ranges[range]![1] <= cursor) range += 1;
      const next = ranges[range];
      const inside = next !== undefined && next[0] <= cursor;
      const stop = Math.min(end, inside ? next[1] : (next?.[0] ?? end));
      pieces.push({
        text: segment.text.slice(cursor - at, stop - at),
        classes: segment.classes,
        match: inside,
      });
      cursor = stop;
    }
    at = end;
  }
  return pieces;
}
