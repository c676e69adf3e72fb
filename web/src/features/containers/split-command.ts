/**
 * A command line typed in the Run dialog, split into argv the way a POSIX shell would split
 * words: blanks separate arguments, 'single quotes' keep everything literally, "double quotes"
 * keep blanks and allow \" \\ \$ \` escapes, a backslash outside quotes escapes the next
 * character, and adjacent pieces join (`--name="a b"` is one argument). Nothing is expanded:
 * no variables, globs or operators; `$HOME` and `|` reach the container as written, so
 * `sh -c '…'` is the way to ask for a shell. Pure.
 */
export type SplitResult = { ok: true; argv: string[] } | { ok: false; error: string };

const BLANK = /[ \t\n\r]/;

export function splitCommand(line: string): SplitResult {
  const argv: string[] = [];
  let current = '';
  /** Whether an argument has started: `''` is an empty argument, not nothing. */
  let started = false;
  let quote: "'" | '"' | null = null;

  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') {
        quote = null;
      } else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
        i += 1;
        // A backslash-newline is a line continuation, as in a shell.
        if (line[i] !== '\n') current += line[i];
      } else {
        current += c;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, error: 'The command ends with a lone \\.' };
      i += 1;
      if (line[i] !== '\n') {
        current += line[i];
        started = true;
      }
    } else if (BLANK.test(c)) {
      if (started) argv.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }

  if (quote) {
    return {
      ok: false,
      error: `A ${quote === "'" ? 'single' : 'double'} quote is not closed.`,
    };
  }
  if (started) argv.push(current);
  return { ok: true, argv };
}
