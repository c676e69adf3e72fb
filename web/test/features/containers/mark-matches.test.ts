import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnsiSegment } from '@/features/containers/ansi';
import { markMatches } from '@/features/containers/mark-matches';

const RED = 'text-red-700';
const plainOf = (segments: AnsiSegment[]) => segments.map((s) => s.text).join('');
const mark = (segments: AnsiSegment[], pattern: RegExp | null) =>
  markMatches(segments, plainOf(segments), pattern).map((p) => [p.text, p.classes, p.match]);

describe('markMatches', () => {
  it('gives the segments back unmarked without a search', () => {
    expect(mark([{ text: 'a', classes: RED }], null)).toEqual([['a', RED, false]]);
  });

  it('cuts a match that spans two colours at the colour change', () => {
    const segments = [
      { text: 'error: ', classes: RED },
      { text: 'disk full', classes: '' },
    ];
    expect(mark(segments, /: disk/gi)).toEqual([
      ['error', RED, false],
      [': ', RED, true],
      ['disk', '', true],
      [' full', '', false],
    ]);
  });

  it('marks every match in a segment, at its start and end too', () => {
    expect(mark([{ text: 'abcab', classes: '' }], /ab/g)).toEqual([
      ['ab', '', true],
      ['c', '', false],
      ['ab', '', true],
    ]);
  });

  it('starts from the beginning whatever lastIndex the pattern was left with', () => {
    const pattern = /a/g;
    pattern.lastIndex = 3;
    expect(mark([{ text: 'abca', classes: '' }], pattern)).toEqual([
      ['a', '', true],
      ['bc', '', false],
      ['a', '', true],
    ]);
  });

  it('stops at an empty match rather than looping', () => {
    expect(mark([{ text: 'abc', classes: '' }], /x*/g)).toEqual([['abc', '', false]]);
  });

  it('keeps the text and the colours, and marks exactly what the pattern matches', () => {
    const segment = fc.record({
      text: fc.string({ unit: fc.constantFrom('a', 'b', ' '), minLength: 1, maxLength: 6 }),
      classes: fc.constantFrom('', RED, 'font-bold'),
    });
    const needle = fc.string({ unit: fc.constantFrom('a', 'b', ' '), minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), needle, (segments, word) => {
        const plain = plainOf(segments);
        const pieces = markMatches(segments, plain, new RegExp(word, 'g'));
        expect(pieces.map((p) => p.text).join('')).toBe(plain);
        // Each character keeps its segment's classes, and is marked iff a match covers it.
        const classes = segments.flatMap((s) => [...s.text].map(() => s.classes));
        const marked = [...plain].map(() => false);
        for (const m of plain.matchAll(new RegExp(word, 'g'))) {
          for (let i = m.index; i < m.index + m[0].length; i += 1) marked[i] = true;
        }
        expect(pieces.flatMap((p) => [...p.text].map(() => p.classes))).toEqual(classes);
        expect(pieces.flatMap((p) => [...p.text].map(() => p.match))).toEqual(marked);
      }),
      { numRuns: 1000 },
    );
  });
});
