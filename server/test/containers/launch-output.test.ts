/** The in-memory part of a launch's output: what it keeps, and what a reader can still get. */
import { describe, expect, it } from 'vitest';
import type { LogLine } from '@archdeck/shared';
import { LaunchOutput } from '../../src/containers/launch-output.js';
import { lineCost } from '../../src/lib/line-cost.js';

const line = (t: string): LogLine => ({ s: 'out', t });
const numbered = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => line(String(from + i)));

describe('LaunchOutput', () => {
  it('keeps every line under its byte cap, readable from any position', () => {
    const out = new LaunchOutput(1024 * 1024);
    out.push(numbered(1, 10));
    out.push(numbered(11, 5));
    expect(out.total).toBe(15);
    expect(out.read(0, 3)!.map((l) => l.t)).toEqual(['1', '2', '3']);
    expect(out.read(13, 100)!.map((l) => l.t)).toEqual(['14', '15']);
    expect(out.read(15, 100)).toEqual([]);
    expect(out.holdsTail(1_000_000)).toBe(true);
  });

  it('drops the oldest past its cap; a reader behind them is told so', () => {
    const cost = lineCost(line('10'));
    const out = new LaunchOutput(cost * 10);
    out.push(numbered(10, 25));
    expect(out.total).toBe(25);
    expect(out.read(14, 100)).toBeNull();
    expect(out.read(15, 100)!.map((l) => l.t)).toEqual(numbered(25, 10).map((l) => l.t));
    expect(out.holdsTail(10)).toBe(true);
    expect(out.holdsTail(11)).toBe(false);
  });

  it('wakes a waiting reader on new lines, on its end, and on abort', async () => {
    const out = new LaunchOutput(1024);
    const abort = new AbortController();
    const woken: string[] = [];
    void out.changed(abort.signal).then(() => woken.push('lines'));
    out.push([line('a')]);
    await Promise.resolve();
    void out.changed(abort.signal).then(() => woken.push('abort'));
    abort.abort();
    await Promise.resolve();
    void out.changed(new AbortController().signal).then(() => woken.push('end'));
    out.finish('ended');
    out.finish('cut');
    await Promise.resolve();
    expect(woken).toEqual(['lines', 'abort', 'end']);
    expect(out.state).toBe('ended');
    // Ended: nothing more to wait for.
    await out.changed(new AbortController().signal);
  });
});
