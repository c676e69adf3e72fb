/**
 * Following podman's k8s-file log on disk (LogFile) against a real file this test writes in
 * conmon's format: growth, rotation by rename, the end after the exit, and an exit that no event
 * reports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogLine } from '@archdeck/shared';
import { LogFile, type LineSink } from '../../src/engine/logs/sources.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const entry = (stream: 'stdout' | 'stderr', tag: 'F' | 'P', text: string) =>
  `2026-11-26T22:00:41.295541798+00:00 ${stream} ${tag} ${text}\n`;
const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => entry('stdout', 'F', String(from + i))).join('');

class Collect implements LineSink {
  given = 0;
  readonly got: LogLine[] = [];
  put(line: LogLine): void {
    this.given++;
    this.got.push(line);
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  texts(): string[] {
    return this.got.map((l) => l.t);
  }
}

async function logFile(initial: string): Promise<{ path: string; file: LogFile }> {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-logfile-'));
  dirs.push(dir);
  const path = join(dir, 'ctr.log');
  await writeFile(path, initial);
  const file = await LogFile.open(path);
  if (!file) throw new Error('could not open');
  return { path, file };
}

/** Follows `file` into a fresh sink until `exit()` reports the container stopped. */
function following(file: LogFile) {
  const sink = new Collect();
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const done = file.follow(
    sink,
    { exited, running: async () => true },
    new AbortController().signal,
  );
  return { sink, exit, done };
}

const numbers = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('LogFile.follow', () => {
  it('reads what is appended, then to the end after the exit, with the last partial line', async () => {
    const { path, file } = await logFile(lines(1, 3));
    const { sink, exit, done } = following(file);
    await expect.poll(() => sink.given).toBe(3);
    await appendFile(path, lines(4, 1000));
    await expect.poll(() => sink.given).toBe(1000);
    // Written just before the exit is reported, and just after: both are read.
    await appendFile(path, entry('stderr', 'F', 'err') + entry('stdout', 'P', 'no newline'));
    exit();
    await appendFile(path, lines(1001, 1002));
    await done;
    file.end(sink);
    await file.close();
    expect(sink.texts()).toEqual([...numbers(1, 1000), 'err', 'no newline1001', '1002']);
    expect(sink.got[1000]).toEqual({ s: 'err', t: 'err' });
  });

  it('goes on in the new file when conmon rotates the log by renaming one over it', async () => {
    const { path, file } = await logFile(lines(1, 2));
    const { sink, exit, done } = following(file);
    await expect.poll(() => sink.given).toBe(2);
    await appendFile(path, lines(3, 4));
    await writeFile(`${path}.tmp`, lines(5, 6));
    await rename(`${path}.tmp`, path);
    await expect.poll(() => sink.given).toBe(6);
    await appendFile(path, lines(7, 7));
    await expect.poll(() => sink.given).toBe(7);
    exit();
    await done;
    await file.close();
    expect(sink.texts()).toEqual(numbers(1, 7));
  });

  it('ends when the container is found stopped, though no exit was reported', async () => {
    const { file } = await logFile(lines(1, 2));
    const sink = new Collect();
    let asked = 0;
    const running = async () => {
      asked++;
      return false;
    };
    await file.follow(
      sink,
      { exited: new Promise(() => undefined), running },
      new AbortController().signal,
    );
    await file.close();
    expect(sink.texts()).toEqual(['1', '2']);
    expect(asked).toBe(1);
  });

  it('stops at once when its reader leaves', async () => {
    const { file } = await logFile(lines(1, 2));
    const abort = new AbortController();
    const done = file.follow(
      new Collect(),
      { exited: new Promise(() => undefined), running: async () => true },
      abort.signal,
    );
    abort.abort();
    await expect(done).rejects.toThrow(/abort/i);
    await file.close();
  });
});
