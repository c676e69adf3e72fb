/**
 * The capped log buffer: lines taken in once per animation frame (frames are driven by hand
 * here), the oldest dropped in chunks and counted, sequence numbers and search matches kept
 * right across drops, and the download's text.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLine } from '@archdeck/shared';
import { LogStore, lowerBound } from '@/features/containers/log-store';

/** The frames the store asked for, run by `frame()`: the browser's side of rAF. */
let frames = new Map<number, FrameRequestCallback>();
let nextId = 1;

function frame(): void {
  const due = [...frames.values()];
  frames = new Map();
  for (const callback of due) callback(performance.now());
}

beforeEach(() => {
  frames = new Map();
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    const id = nextId++;
    frames.set(id, callback);
    return id;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const out = (t: string): LogLine => ({ s: 'out', t });
const numbered = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => out(`line ${from + i}`));

/** The texts held, in order. */
const texts = (store: LogStore) => store.entries.map((entry) => entry.plain);

describe('LogStore: taking lines in', () => {
  it('takes every batch of a frame in at once, and tells its subscribers once', () => {
    const store = new LogStore(1000);
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.getVersion();

    store.addLines([out('a'), { s: 'err', t: `${'\x1b'}[31mb${'\x1b'}[0m` }]);
    store.addLines([out('c')]);
    expect(store.entries).toEqual([]);
    expect(store.lines).toBe(3);
    expect(listener).not.toHaveBeenCalled();
    expect(frames.size).toBe(1);

    frame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getVersion()).not.toBe(before);
    expect(store.entries).toEqual([
      { kind: 'out', n: 1, raw: 'a', plain: 'a' },
      { kind: 'err', n: 2, raw: '\x1b[31mb\x1b[0m', plain: 'b' },
      { kind: 'out', n: 3, raw: 'c', plain: 'c' },
    ]);

    frame();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('stops telling a subscriber that unsubscribed', () => {
    const store = new LogStore(1000);
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    unsubscribe();
    store.addLines([out('a')]);
    frame();
    expect(listener).not.toHaveBeenCalled();
  });

  it('takes a quarter of its capacity in at once, without waiting for a frame (hidden tab)', () => {
    const store = new LogStore(100);
    store.addLines(numbered(1, 24));
    expect(store.entries).toHaveLength(0);
    store.addLines(numbered(25, 1));
    expect(store.entries).toHaveLength(25);
    expect(frames.size).toBe(0);
  });

  it('adds the end marker as its own row, which is no line', () => {
    const store = new LogStore(1000);
    store.addLines([out('bye')]);
    store.addEnd({ exitCode: 3, running: false });
    frame();
    expect(store.rows).toBe(2);
    expect(store.lines).toBe(1);
    expect(store.entries[1]).toEqual({
      kind: 'end',
      end: { exitCode: 3, running: false },
      plain: 'Exited with code 3',
    });
  });
});

describe('LogStore: the cap', () => {
  it('drops the oldest lines once more than a twentieth over, counting them', () => {
    const store = new LogStore(100);
    for (let i = 0; i < 105; i += 5) {
      store.addLines(numbered(i + 1, 5));
      frame();
    }
    // 105 held: within 5 (a twentieth) of the cap, nothing dropped yet.
    expect(store.entries).toHaveLength(105);
    expect(store.dropped).toBe(0);

    store.addLines(numbered(106, 1));
    frame();
    expect(store.entries).toHaveLength(100);
    expect(store.dropped).toBe(6);
    expect(store.base).toBe(6);
    expect(store.rows).toBe(101);
    expect(store.lines).toBe(106);
    expect(store.entries[0]).toMatchObject({ n: 7, plain: 'line 7' });
    expect(store.entries.at(-1)).toMatchObject({ n: 106, plain: 'line 106' });
  });

  it('never holds more than the cap and a twentieth, however the lines come', () => {
    const store = new LogStore(200);
    let sent = 0;
    for (const size of [1, 7, 49, 3, 60, 1, 120, 13]) {
      store.addLines(numbered(sent + 1, size));
      sent += size;
      frame();
      expect(store.entries.length).toBeLessThanOrEqual(210);
      expect(store.dropped + store.entries.length).toBe(sent);
      expect(store.entries.at(-1)).toMatchObject({ n: sent });
      expect(store.base).toBe(store.dropped);
    }
  });

  it('does not count the end marker among the dropped lines', () => {
    const store = new LogStore(20);
    store.addEnd({ exitCode: 0, running: false });
    frame();
    store.addLines(numbered(1, 4));
    frame();
    store.addLines(numbered(5, 18));
    frame();
    expect(store.base).toBe(3);
    expect(store.dropped).toBe(2);
  });

  it('says in the text how many lines were dropped', () => {
    const store = new LogStore(20);
    store.addLines(numbered(1, 4));
    frame();
    store.addLines(numbered(5, 18));
    frame();
    store.addEnd({ exitCode: null, running: false });
    frame();
    const text = store.text();
    expect(text.startsWith('… 2 earlier lines dropped …\nline 3\n')).toBe(true);
    expect(text.endsWith('line 22\nExited\n')).toBe(true);
  });
});

describe('LogStore: search matches', () => {
  it('finds the pattern in the lines held and in those to come, as sequence numbers', () => {
    const store = new LogStore(1000);
    store.addLines([out('apple'), out('banana'), out('\x1b[1mApple\x1b[0m pie')]);
    frame();
    store.setPattern(/apple/i);
    expect(store.matches).toEqual([0, 2]);

    store.addLines([out('no'), out('crab apple')]);
    frame();
    expect(store.matches).toEqual([0, 2, 4]);

    store.setPattern(null);
    expect(store.matches).toEqual([]);
    store.addLines([out('apple')]);
    frame();
    expect(store.matches).toEqual([]);
  });

  it('searches the text shown, not the escapes, and never the end marker', () => {
    const store = new LogStore(1000);
    store.addLines([out('\x1b[31mred\x1b[0m')]);
    store.addEnd({ exitCode: 0, running: false });
    frame();
    store.setPattern(/31m/);
    expect(store.matches).toEqual([]);
    store.setPattern(/red|Exited/);
    expect(store.matches).toEqual([0]);
  });

  it('works with a global pattern, whose lastIndex would otherwise skip lines', () => {
    const store = new LogStore(1000);
    store.addLines([out('xx'), out('x')]);
    frame();
    store.setPattern(/x/g);
    expect(store.matches).toEqual([0, 1]);
  });

  it('forgets the matches of dropped lines and keeps the numbers of the rest', () => {
    const store = new LogStore(20);
    store.setPattern(/7/);
    store.addLines(numbered(1, 20));
    frame();
    expect(store.matches).toEqual([6, 16]);
    store.addLines(numbered(21, 2));
    frame();
    expect(store.base).toBe(2);
    store.addLines(numbered(23, 6));
    frame();
    // Lines 1–8 dropped: line 7 (sequence number 6) with them.
    expect(store.base).toBe(8);
    expect(store.matches).toEqual([16, 26]);
    expect(store.matches.map((seq) => store.entries[seq - store.base]!.plain)).toEqual([
      'line 17',
      'line 27',
    ]);
  });
});

describe('LogStore: starting over', () => {
  it('clear forgets everything, including what waits for a frame, and moves base on', () => {
    const store = new LogStore(1000);
    store.setPattern(/line/);
    store.addLines(numbered(1, 3));
    frame();
    store.addLines(numbered(4, 2));
    const listener = vi.fn();
    store.subscribe(listener);

    store.clear();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(frames.size).toBe(0);
    frame();
    expect(store.entries).toEqual([]);
    expect(store.lines).toBe(0);
    expect(store.dropped).toBe(0);
    expect(store.matches).toEqual([]);
    expect(store.base).toBe(3);
    expect(store.text()).toBe('\n');

    // Lines after the clear are numbered from 1 again, and still searched.
    store.addLines([out('line again')]);
    frame();
    expect(texts(store)).toEqual(['line again']);
    expect(store.entries[0]).toMatchObject({ n: 1 });
    expect(store.matches).toEqual([3]);
  });

  it('dispose drops what waits for a frame', () => {
    const store = new LogStore(1000);
    store.addLines([out('late')]);
    store.dispose();
    frame();
    expect(store.entries).toEqual([]);
    expect(frames.size).toBe(0);
  });
});

describe('lowerBound', () => {
  it('finds the first index whose value is at least the target', () => {
    const values = [2, 4, 4, 9];
    expect([0, 2, 3, 4, 5, 9, 10].map((target) => lowerBound(values, target))).toEqual([
      0, 0, 1, 1, 3, 3, 4,
    ]);
    expect(lowerBound([], 1)).toBe(0);
  });
});
