/**
 * The Run dialog's command line to argv, as a POSIX shell splits words and no further, and
 * back: `commandLine` (how the UI shows a container's command) quotes what `splitCommand`
 * reads back to the same argv.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandLine } from '@/features/containers/components/labels';
import { splitCommand } from '@/features/containers/split-command';

const argv = (line: string) => {
  const result = splitCommand(line);
  if (!result.ok) throw new Error(`refused: ${result.error}`);
  return result.argv;
};

describe('splitCommand', () => {
  it.each([
    ['', []],
    ['   \t ', []],
    ['uname -m', ['uname', '-m']],
    ['  echo \t a\n b  ', ['echo', 'a', 'b']],
    [`sh -c 'echo $HOME | wc -c'`, ['sh', '-c', 'echo $HOME | wc -c']],
    [`echo "a  b" 'c  d'`, ['echo', 'a  b', 'c  d']],
    [`--name="a b"`, ['--name=a b']],
    [`a'b'"c"d`, ['abcd']],
    [`'' ""`, ['', '']],
    [`x '' y`, ['x', '', 'y']],
    [`it\\'s a\\ b`, [`it's`, 'a b']],
    [`"say \\"hi\\" \\\\ \\$x \\\`y\\\`"`, ['say "hi" \\ $x `y`']],
    // Inside double quotes only \" \\ \$ \` and newline are escapes; other backslashes stay.
    [`"a\\nb\\'c"`, [`a\\nb\\'c`]],
    // Inside single quotes nothing is.
    [`'a\\"b'`, [`a\\"b`]],
    // A backslash-newline joins lines, outside and inside double quotes.
    ['echo a\\\nb "c\\\nd"', ['echo', 'ab', 'cd']],
    // Nothing is expanded or interpreted: operators, globs and variables go as they are.
    ['echo $HOME * ; ls | wc > f &', ['echo', '$HOME', '*', ';', 'ls', '|', 'wc', '>', 'f', '&']],
    [`echo ünï "cødé"`, ['echo', 'ünï', 'cødé']],
  ] as const)('splits %j', (line, expected) => {
    expect(argv(line)).toEqual(expected);
  });

  it('refuses an unclosed quote, saying which', () => {
    expect(splitCommand(`echo 'a`)).toEqual({ ok: false, error: 'A single quote is not closed.' });
    expect(splitCommand(`echo "a`)).toEqual({ ok: false, error: 'A double quote is not closed.' });
    expect(splitCommand(`echo "a\\"`)).toEqual({
      ok: false,
      error: 'A double quote is not closed.',
    });
  });

  it('refuses a lone backslash at the end', () => {
    expect(splitCommand('echo a\\')).toEqual({
      ok: false,
      error: 'The command ends with a lone \\.',
    });
  });
});

describe('commandLine', () => {
  it('quotes only the arguments that need it', () => {
    expect(commandLine(['sh', '-c', 'echo $HOME', '', `it's`])).toBe(
      `sh -c 'echo $HOME' '' 'it'\\''s'`,
    );
    expect(commandLine(['uname', '-m'])).toBe('uname -m');
  });

  it('is read back by splitCommand to the same argv, whatever the arguments', () => {
    const arg = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(' ', '\t', '\n', "'", '"', '\\', '$', '`', 'a', '=') }),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (args) => {
        expect(argv(commandLine(args))).toEqual(args);
      }),
      { numRuns: 2000 },
    );
  });
});
