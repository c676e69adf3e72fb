import { describe, expect, it } from 'vitest';
import { readContainerfile, substitute } from '../../src/builds/containerfile.js';

describe('readContainerfile', () => {
  it('counts RUN steps that run as the target platform', () => {
    const facts = readContainerfile('FROM busybox\nRUN uname -m > /arch\nrun true\nCMD ["sh"]\n');
    expect(facts.targetRuns).toBe(2);
    expect(facts.fromScratch).toBe(false);
    expect(facts.stages).toEqual([
      { base: 'busybox', name: null, platform: null, native: false, runs: 2 },
    ]);
  });

  it('sees a stage pinned to $BUILDPLATFORM, and stages FROM it, as native', () => {
    const facts = readContainerfile(
      [
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
        'RUN go build -o /app .',
        'FROM build AS test',
        'RUN go test ./...',
        'FROM --platform=${BUILDPLATFORM} alpine AS tools',
        'RUN apk add file',
        'FROM scratch',
        'COPY --from=build /app /app',
      ].join('\n'),
    );
    expect(facts.stages.map((s) => s.native)).toEqual([true, true, true, false]);
    expect(facts.targetRuns).toBe(0);
    expect(facts.fromScratch).toBe(true);
  });

  it('names the platforms a stage pins literally, when it has RUN steps', () => {
    const facts = readContainerfile(
      'FROM --platform=linux/s390x busybox AS a\nRUN true\nFROM --platform=$TARGETPLATFORM busybox\nRUN true\n',
    );
    expect(facts.pinnedRunPlatforms).toEqual(['linux/s390x']);
    expect(facts.targetRuns).toBe(1);
  });

  it('joins continued lines, skips comments, and honours the escape directive', () => {
    const backslash = readContainerfile(
      'FROM busybox\nRUN echo a \\\n  # a comment\n  && echo b\n',
    );
    expect(backslash.stages[0]!.runs).toBe(1);
    const backtick = readContainerfile('# escape=`\nFROM busybox\nRUN echo a `\n  FROM x\n');
    expect(backtick.stages).toHaveLength(1);
    expect(backtick.stages[0]!.runs).toBe(1);
  });

  it('resolves the base from global ARGs, build arguments first', () => {
    const text = 'ARG BASE=scratch\nFROM ${BASE}\nCOPY a /a\n';
    expect(readContainerfile(text).fromScratch).toBe(true);
    expect(readContainerfile(text, { BASE: 'busybox' }).fromScratch).toBe(false);
    expect(readContainerfile('FROM SCRATCH\n').fromScratch).toBe(true);
  });
});

describe('substitute', () => {
  const vars = new Map([['A', 'x']]);
  it.each([
    ['$A', 'x'],
    ['${A}', 'x'],
    ['${B:-d}', 'd'],
    ['${A:-d}', 'x'],
    ['${A:+y}', 'y'],
    ['${B:+y}', ''],
    ['a-$B-b', 'a--b'],
  ])('%s → %s', (word, expected) => {
    expect(substitute(word, vars)).toBe(expected);
  });
});
