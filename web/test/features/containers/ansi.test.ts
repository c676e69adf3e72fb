/**
 * The ANSI parser on what programs really print (captured from GNU grep 3.8, GNU ls 9.1 and
 * `tput` for xterm-256color), on every kind of escape it must drop, and on generated input:
 * log bytes come from whatever runs in the container, so nothing of them may reach the page
 * as anything but text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '@/features/containers/ansi';

const ESC = '\x1b';
const RED = 'text-red-700 dark:text-red-400';
const GREEN = 'text-green-700 dark:text-green-400';
const BLUE = 'text-blue-700 dark:text-blue-400';
const BRIGHT_RED = 'text-red-600 dark:text-red-300';
const WHITE = 'text-zinc-500 dark:text-zinc-300';
/** What must never reach the page: control characters other than tab. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** The segments as [text, classes] pairs, which read better in a failure. */
const parse = (input: string) => parseAnsi(input).map(({ text, classes }) => [text, classes]);

describe('parseAnsi on captured output', () => {
  it('reads GNU grep --color=always: bold red match, then erase-to-end-of-line dropped', () => {
    expect(parse(`hello ${ESC}[01;31m${ESC}[Kworld${ESC}[m${ESC}[K`)).toEqual([
      ['hello ', ''],
      ['world', `${RED} font-bold`],
    ]);
  });

  it('reads GNU ls --color=always: resets around a bold blue directory', () => {
    expect(parse(`file`)).toEqual([['file', '']]);
    expect(parse(`${ESC}[0m${ESC}[01;34msub${ESC}[0m`)).toEqual([['sub', `${BLUE} font-bold`]]);
  });

  it('drops ls --hyperlink=always links (OSC 8, BEL-terminated): the URL is never shown', () => {
    const line = `${ESC}]8;;file://vm/tmp/lsdir/file\x07file${ESC}]8;;\x07`;
    expect(parse(line)).toEqual([['file', '']]);
  });

  it('reads tput: sgr0 is a charset switch and a reset, setaf 196 a 256-colour red', () => {
    // tput bold; tput setaf 1; …; tput sgr0
    expect(parse(`${ESC}[1m${ESC}[31mfail${ESC}(B${ESC}[m ok`)).toEqual([
      ['fail', `${RED} font-bold`],
      [' ok', ''],
    ]);
    // tput setaf 196; tput setab 4; tput smul
    expect(parse(`${ESC}[38;5;196m${ESC}[44m${ESC}[4mX`)).toEqual([
      ['X', `${BRIGHT_RED} bg-blue-500/25 underline`],
    ]);
  });

  it('drops tput cup and el (cursor moves, erasing)', () => {
    expect(parse(`${ESC}[6;11Hmoved${ESC}[K`)).toEqual([['moved', '']]);
  });
});

describe('parseAnsi: SGR', () => {
  it('turns attributes off one by one, and resets with 0, an empty parameter, or none', () => {
    expect(parse(`${ESC}[1;4;31;42ma${ESC}[22mb${ESC}[24mc${ESC}[39md${ESC}[49me`)).toEqual([
      ['a', `${RED} bg-green-500/25 font-bold underline`],
      ['b', `${RED} bg-green-500/25 underline`],
      ['c', `${RED} bg-green-500/25`],
      ['d', 'bg-green-500/25'],
      ['e', ''],
    ]);
    for (const reset of ['0', '', ';']) {
      expect(parse(`${ESC}[31mred${ESC}[${reset}mplain`)).toEqual([
        ['red', RED],
        ['plain', ''],
      ]);
    }
    // `;1` is a reset, then bold.
    expect(parse(`${ESC}[31m${ESC}[;1mX`)).toEqual([['X', 'font-bold']]);
  });

  it('maps the bright colours 90–97 and 100–107', () => {
    expect(parse(`${ESC}[91ma${ESC}[97;107mb`)).toEqual([
      ['a', BRIGHT_RED],
      ['b', 'text-zinc-400 dark:text-white bg-zinc-100 dark:bg-white/40'],
    ]);
  });

  it('matches 256 and 24-bit colours to the nearest of the sixteen', () => {
    const fg = (params: string) => parseAnsi(`${ESC}[${params}mX`)[0]?.classes;
    expect(fg('38;5;1')).toBe(RED); // the first sixteen are themselves
    expect(fg('38;5;196')).toBe(BRIGHT_RED); // cube 255,0,0
    expect(fg('38;5;232')).toBe('text-zinc-900 dark:text-zinc-500'); // grey 8: black
    expect(fg('38;5;255')).toBe(WHITE); // grey 238: white
    expect(fg('48;5;21')).toBe('bg-blue-500/25'); // cube 0,0,255
    expect(fg('38;2;0;205;0')).toBe(GREEN);
    expect(fg('38;2;255;0;0')).toBe(BRIGHT_RED);
  });

  it('reads the colon forms: 38:2::r:g:b, 38:2:r:g:b, 38:5:n, 4:3 and 4:0', () => {
    const fg = (params: string) => parseAnsi(`${ESC}[${params}mX`)[0]?.classes;
    expect(fg('38:2::0:205:0')).toBe(GREEN);
    expect(fg('38:2:0:205:0')).toBe(GREEN);
    expect(fg('48:5:1')).toBe('bg-red-500/25');
    expect(fg('4:3')).toBe('underline');
    expect(fg('4:3;4:0')).toBe('');
  });

  it('consumes the parameters of an extended colour, and carries on after them', () => {
    expect(parse(`${ESC}[38;2;0;0;238;4mX`)).toEqual([['X', `${BLUE} underline`]]);
    expect(parse(`${ESC}[38;5;1;1mX`)).toEqual([['X', `${RED} font-bold`]]);
    // Out of range: the default colour, and the parameters after it still count.
    expect(parse(`${ESC}[31m${ESC}[38;5;300;1mX`)).toEqual([['X', 'font-bold']]);
    expect(parse(`${ESC}[38;2;1;2mX`)).toEqual([['X', '']]);
  });

  it('keeps neither italic, blink nor inverse, and ignores unknown codes', () => {
    expect(parse(`${ESC}[3;5;7;53;999mX`)).toEqual([['X', '']]);
  });

  it('merges neighbours of one style into one segment', () => {
    expect(parse(`${ESC}[31ma${ESC}[31mb${ESC}[1m${ESC}[22mc`)).toEqual([['abc', RED]]);
  });

  it('takes the 8-bit CSI (0x9b) like ESC [', () => {
    expect(parse('\x9b31mred\x9b0m')).toEqual([['red', RED]]);
  });

  it('does not take private or intermediate CSI sequences ending in m for SGR', () => {
    expect(parse(`${ESC}[?1mX`)).toEqual([['X', '']]);
    expect(parse(`${ESC}[>4;2mX`)).toEqual([['X', '']]);
    expect(parse(`${ESC}[1 mX`)).toEqual([['X', '']]);
  });
});

describe('parseAnsi: everything else is dropped', () => {
  it('drops window titles and hyperlinks with either terminator, in 7- and 8-bit forms', () => {
    expect(parse(`a${ESC}]0;pwned${ESC}\\b`)).toEqual([['ab', '']]);
    expect(parse(`a${ESC}]2;title\x07b`)).toEqual([['ab', '']]);
    expect(parse('a\x9d0;title\x9cb')).toEqual([['ab', '']]);
  });

  it('drops DCS, SOS, PM and APC strings', () => {
    for (const start of ['P', 'X', '^', '_']) {
      expect(parse(`a${ESC}${start}payload${ESC}\\b`)).toEqual([['ab', '']]);
    }
    expect(parse('a\x90payload\x9cb')).toEqual([['ab', '']]);
  });

  it('treats an unterminated string as running to the end of the line', () => {
    expect(parse(`shown${ESC}]8;;https://example.invalid/ hidden`)).toEqual([['shown', '']]);
  });

  it('drops two-character escapes and charset switches', () => {
    expect(parse(`${ESC}7a${ESC}Mb${ESC}8${ESC}(0c${ESC}(B`)).toEqual([['abc', '']]);
  });

  it('drops escapes cut off at the end of the line', () => {
    for (const tail of [ESC, `${ESC}[`, `${ESC}[31`, `${ESC}[31;`, `${ESC}(`, `${ESC}]0;x`]) {
      expect(parse(`text${tail}`)).toEqual([['text', '']]);
    }
  });

  it('drops control characters, C1 ones included, and keeps tabs', () => {
    expect(parse('a\x00b\x07c\x08d\x7fe\x85f\tg')).toEqual([['abcdef\tg', '']]);
  });

  it('lets a carriage return rewrite the line, keeping the style; a trailing one is CRLF', () => {
    expect(parse('progress 10%\rprogress 100%')).toEqual([['progress 100%', '']]);
    expect(parse(`${ESC}[32m10%\r${ESC}[1m100%`)).toEqual([['100%', `${GREEN} font-bold`]]);
    expect(parse('done\r')).toEqual([['done', '']]);
    // What was shown before the return goes, styled or not.
    expect(parse(`${ESC}[31m50%${ESC}[0m done\r${ESC}[32m100%`)).toEqual([['100%', GREEN]]);
  });

  it('returns nothing for an empty line or one of escapes only', () => {
    expect(parse('')).toEqual([]);
    expect(parse(`${ESC}[31m${ESC}[0m`)).toEqual([]);
  });
});

/** Text, escapes (whole, cut and malformed) and control characters, in any order. */
const logLine = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        `${ESC}[31m`,
        `${ESC}[1;4m`,
        `${ESC}[0m`,
        `${ESC}[m`,
        `${ESC}[38;5;`,
        `${ESC}[38;2;10;20;30m`,
        `${ESC}[38:2::1:2:3m`,
        `${ESC}[K`,
        `${ESC}[?25l`,
        `${ESC}]8;;http://x/\x07`,
        `${ESC}]0;t${ESC}\\`,
        `${ESC}(B`,
        `${ESC}`,
        `${ESC}[`,
        '\x9b32m',
        '\x9d',
        '\x9c',
        '\r',
        '\t',
        '\x00',
        '\x07',
        ';',
        'm',
        '<script>',
      ),
      fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** Every class token the parser can produce: those of each basic SGR code. */
const KNOWN_TOKENS = new Set(
  [1, 4, ...Array.from({ length: 8 }, (_, i) => [30 + i, 40 + i, 90 + i, 100 + i]).flat()].flatMap(
    (code) => parseAnsi(`${ESC}[${code}mX`)[0]!.classes.split(' '),
  ),
);

describe('parseAnsi on generated lines', () => {
  it('yields text with no control character but tab, and classes it made itself', () => {
    fc.assert(
      fc.property(logLine, (line) => {
        const segments = parseAnsi(line);
        segments.forEach((segment, i) => {
          expect(segment.text).not.toBe('');
          expect(segment.text).not.toMatch(CONTROL);
          for (const token of segment.classes.split(' ').filter(Boolean)) {
            expect(KNOWN_TOKENS).toContain(token);
          }
          if (i > 0) expect(segment.classes).not.toBe(segments[i - 1]!.classes);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('strips to exactly the text parseAnsi shows', () => {
    fc.assert(
      fc.property(logLine, (line) => {
        expect(stripAnsi(line)).toBe(
          parseAnsi(line)
            .map((segment) => segment.text)
            .join(''),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a line without escapes or control characters as it is', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => !CONTROL.test(s)),
        (line) => {
          expect(stripAnsi(line)).toBe(line);
          expect(parseAnsi(line)).toEqual(line ? [{ text: line, classes: '' }] : []);
        },
      ),
    );
  });
});
