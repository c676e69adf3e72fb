/**
 * Terminal escapes in log lines, turned into text segments with Tailwind classes. Only SGR
 * colour, bold and underline survive; every other escape (cursor moves, window titles,
 * hyperlinks, charset switches) and every other control character is dropped, so what is left
 * is plain text that React renders as text. Pure: no DOM, no state between lines.
 */

export interface AnsiSegment {
  text: string;
  /** Space-separated class names; '' for unstyled text. */
  classes: string;
}

interface Style {
  /** 0–15: the eight colours, then their bright versions; null is the default. */
  fg: number | null;
  bg: number | null;
  bold: boolean;
  underline: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, underline: false };

// Whole class names spelled out, so Tailwind finds them in this file.
const FG = [
  'text-zinc-900 dark:text-zinc-500',
  'text-red-700 dark:text-red-400',
  'text-green-700 dark:text-green-400',
  'text-yellow-700 dark:text-yellow-400',
  'text-blue-700 dark:text-blue-400',
  'text-fuchsia-700 dark:text-fuchsia-400',
  'text-cyan-700 dark:text-cyan-400',
  'text-zinc-500 dark:text-zinc-300',
  'text-zinc-500 dark:text-zinc-400',
  'text-red-600 dark:text-red-300',
  'text-green-600 dark:text-green-300',
  'text-yellow-600 dark:text-yellow-300',
  'text-blue-600 dark:text-blue-300',
  'text-fuchsia-600 dark:text-fuchsia-300',
  'text-cyan-600 dark:text-cyan-300',
  'text-zinc-400 dark:text-white',
];

const BG = [
  'bg-zinc-900/20 dark:bg-black/70',
  'bg-red-500/25',
  'bg-green-500/25',
  'bg-yellow-500/30',
  'bg-blue-500/25',
  'bg-fuchsia-500/25',
  'bg-cyan-500/25',
  'bg-zinc-300/70 dark:bg-zinc-300/30',
  'bg-zinc-500/30',
  'bg-red-400/30',
  'bg-green-400/30',
  'bg-yellow-300/40',
  'bg-blue-400/30',
  'bg-fuchsia-400/30',
  'bg-cyan-300/40',
  'bg-zinc-100 dark:bg-white/40',
];

/** xterm's sixteen colours, to match 256-colour and 24-bit ones to the nearest of them. */
const PALETTE: [number, number, number][] = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

function nearest(r: number, g: number, b: number): number {
  let best = 0;
  let bestDistance = Infinity;
  PALETTE.forEach(([pr, pg, pb], index) => {
    const distance = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

const CUBE = [0, 95, 135, 175, 215, 255];

function from256(n: number): number | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n < 232) {
    const i = n - 16;
    return nearest(CUBE[Math.floor(i / 36)]!, CUBE[Math.floor(i / 6) % 6]!, CUBE[i % 6]!);
  }
  const grey = 8 + (n - 232) * 10;
  return nearest(grey, grey, grey);
}

const classCache = new Map<string, string>();

function classesOf(style: Style): string {
  const key = `${style.fg},${style.bg},${style.bold},${style.underline}`;
  let classes = classCache.get(key);
  if (classes === undefined) {
    classes = [
      style.fg !== null && FG[style.fg],
      style.bg !== null && BG[style.bg],
      style.bold && 'font-bold',
      style.underline && 'underline',
    ]
      .filter(Boolean)
      .join(' ');
    classCache.set(key, classes);
  }
  return classes;
}

/**
 * An extended colour after 38 or 48: `5;n` (256 colours) or `2;r;g;b` (24-bit), from `params`
 * at `at`. Returns the colour (null when malformed) and how many parameters it used.
 */
function extendedColour(params: number[], at: number): [number | null, number] {
  const mode = params[at];
  if (mode === 5) return [from256(params[at + 1] ?? -1), 2];
  if (mode === 2) {
    const [r, g, b] = [params[at + 1], params[at + 2], params[at + 3]];
    const ok = [r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255);
    return [ok ? nearest(r!, g!, b!) : null, 4];
  }
  return [null, 1];
}

/** Applies one SGR sequence (the part between `ESC[` and `m`) to `style`, in order. */
function applySgr(style: Style, body: string): Style {
  const next = { ...style };
  const parts = body.split(';');
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    if (part.includes(':')) {
      // Colon sub-parameters (`38:2::255:0:0`, `4:3`) are one self-contained group.
      const sub = part.split(':').map((v) => (v === '' ? -1 : Number(v)));
      const [code] = sub;
      if (code === 4) next.underline = sub[1] !== 0;
      if (code === 38 || code === 48) {
        // `38:2::r:g:b` has an empty colour-space id; `38:2:r:g:b` has none.
        const rest = sub[1] === 2 && sub.length >= 6 ? [2, ...sub.slice(-3)] : sub.slice(1);
        const [colour] = extendedColour(rest, 0);
        if (code === 38) next.fg = colour;
        else next.bg = colour;
      }
      continue;
    }
    const code = part === '' ? 0 : Number(part);
    if (code === 0) Object.assign(next, PLAIN);
    else if (code === 1) next.bold = true;
    else if (code === 22) next.bold = false;
    else if (code === 4) next.underline = true;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code === 49) next.bg = null;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      const following = parts.slice(i + 1, i + 5).map((v) => (v === '' ? -1 : Number(v)));
      const [colour, used] = extendedColour(following, 0);
      if (code === 38) next.fg = colour;
      else next.bg = colour;
      i += used;
    }
    // Anything else (italic, blink, inverse, fonts…) is not kept.
  }
  return next;
}

const ESC = 0x1b;
const BEL = 0x07;

/** Where the string terminator (`ESC \` or BEL) after `from` ends; the input's end if none. */
function afterStringTerminator(input: string, from: number): number {
  for (let i = from; i < input.length; i += 1) {
    const c = input.charCodeAt(i);
    if (c === BEL || c === 0x9c) return i + 1;
    if (c === ESC && input.charCodeAt(i + 1) === 0x5c) return i + 2;
  }
  return input.length;
}

/**
 * A CSI sequence starting at `from` (just after `ESC[` or the C1 CSI): its end, and its
 * parameter text when it is a well-formed SGR (`…m`), else null.
 */
function readCsi(input: string, from: number): [number, string | null] {
  let i = from;
  while (i < input.length && input.charCodeAt(i) >= 0x30 && input.charCodeAt(i) <= 0x3f) i += 1;
  const paramsEnd = i;
  while (i < input.length && input.charCodeAt(i) >= 0x20 && input.charCodeAt(i) <= 0x2f) i += 1;
  if (i >= input.length) return [input.length, null];
  const final = input.charCodeAt(i);
  if (final < 0x40 || final > 0x7e) return [i, null]; // malformed: drop what we read
  const params = input.slice(from, paramsEnd);
  const sgr = final === 0x6d && paramsEnd === i && /^[\d;:]*$/.test(params);
  return [i + 1, sgr ? params : null];
}

/** Characters that start an escape or are control characters other than tab. */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Splits a log line into styled segments; their texts joined are the visible text. */
export function parseAnsi(input: string): AnsiSegment[] {
  if (!SPECIAL.test(input)) return input ? [{ text: input, classes: '' }] : [];

  let segments: AnsiSegment[] = [];
  let style = PLAIN;
  let text = '';
  const emit = () => {
    if (!text) return;
    const classes = classesOf(style);
    const last = segments[segments.length - 1];
    if (last && last.classes === classes) last.text += text;
    else segments.push({ text, classes });
    text = '';
  };

  let i = 0;
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && (c < 0x80 || c > 0x9f)) {
      // A run of ordinary characters at once.
      let j = i + 1;
      while (j < input.length) {
        const d = input.charCodeAt(j);
        if (d < 0x20 || d === 0x7f || (d >= 0x80 && d <= 0x9f)) break;
        j += 1;
      }
      text += input.slice(i, j);
      i = j;
      continue;
    }
    if (c === 0x09) {
      text += '\t';
      i += 1;
      continue;
    }
    if (c === 0x0d) {
      // A carriage return rewrites the line from its start (progress meters): what follows
      // replaces what came before. A trailing one (CRLF) changes nothing.
      if (i + 1 < input.length) {
        segments = [];
        text = '';
      }
      i += 1;
      continue;
    }
    if (c === ESC || c === 0x9b || c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e) {
      // Normalise the 8-bit forms to their `ESC x` equivalents.
      const kind = c === ESC ? input.charCodeAt(i + 1) : c - 0x40;
      const start = c === ESC ? i + 2 : i + 1;
      if (c === ESC && i + 1 >= input.length) {
        i += 1;
        continue;
      }
      if (kind === 0x5b) {
        const [end, sgr] = readCsi(input, start);
        if (sgr !== null) {
          emit();
          style = applySgr(style, sgr);
        }
        i = end;
      } else if (
        kind === 0x5d ||
        kind === 0x50 ||
        kind === 0x58 ||
        kind === 0x5e ||
        kind === 0x5f
      ) {
        // OSC (titles, hyperlinks), DCS, SOS, PM, APC: a string up to its terminator.
        i = afterStringTerminator(input, start);
      } else if (kind >= 0x20 && kind <= 0x2f) {
        // `ESC ( B` and friends: intermediates, then one final byte.
        let j = start;
        while (j < input.length && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) {
          j += 1;
        }
        i = Math.min(j + 1, input.length);
      } else {
        // A two-character escape such as `ESC 7` or `ESC M`.
        i = start;
      }
      continue;
    }
    // Any other control character (BEL, backspace, NUL, C1) is dropped.
    i += 1;
  }
  emit();
  return segments;
}

/** SGR sequences only, the usual escapes in logs: removable without parsing. */
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[\d;:]*m/g;

/** The visible text of a log line: `parseAnsi(input)` without the styles. */
export function stripAnsi(input: string): string {
  if (!SPECIAL.test(input)) return input;
  const withoutSgr = input.replace(SGR, '');
  if (!SPECIAL.test(withoutSgr)) return withoutSgr;
  let plain = '';
  for (const segment of parseAnsi(input)) plain += segment.text;
  return plain;
}
