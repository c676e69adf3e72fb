/**
 * The log demultiplexer at byte level: real podman captures (fixtures/logs/README.md) split at
 * every offset and at random, bad headers, the line cap, and generated streams.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '@archdeck/shared';
import {
  K8sFileParser,
  LineSplitter,
  LogDemuxer,
  LogFrameError,
  MAX_FRAME,
  type DemuxOptions,
} from '../../src/engine/logs/frames.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'logs', name));

/** Feeds the chunks in order and ends the stream. */
function parse(chunks: Buffer[], opts: DemuxOptions): LogLine[] {
  const demux = new LogDemuxer(opts);
  const out: LogLine[] = [];
  for (const chunk of chunks) demux.push(chunk, out);
  demux.end(out);
  return out;
}

/** The bytes cut at the given offsets. */
function splitAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets)].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(from, at));
    from = at;
  }
  return parts;
}

/** One Docker log frame. */
function frame(type: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

const out = (t: string): LogLine => ({ s: 'out', t });
const err = (t: string): LogLine => ({ s: 'err', t });

const CAPTURES: Array<{ file: string; opts: DemuxOptions; lines: LogLine[] }> = [
  {
    file: 'nontty-out-err.bin',
    opts: { tty: false },
    lines: [out('out'), err('err'), out('no-newline')],
  },
  {
    file: 'nontty-partial-utf8.bin',
    opts: { tty: false },
    lines: [out('héllo € euro'), err('crlf'), out(''), out('café'), err('😀 err'), out('tail')],
  },
  {
    file: 'nontty-partial-utf8-timestamps.bin',
    opts: { tty: false, timestamps: true },
    lines: [
      out('2026-11-26T20:14:31Z héllo € euro'),
      err('2026-11-26T20:14:31Z crlf'),
      out('2026-11-26T20:14:31Z '),
      out('2026-11-26T20:14:31Z café'),
      err('2026-11-26T20:14:32Z 😀 err'),
      out('2026-11-26T20:14:32Z tail'),
    ],
  },
  {
    file: 'tty.bin',
    opts: { tty: true },
    lines: [out('out'), out('err'), out('héllo'), out('no-newline')],
  },
  {
    // A TTY stream has no entry boundaries, so podman's mid-line timestamp cannot be removed
    // and splits `é`: this is what the user sees (log-frames.ts, podman#2500).
    file: 'tty-partial-timestamps.bin',
    opts: { tty: true, timestamps: true },
    lines: [
      out('2026-11-26T20:14:40Z h\uFFFD2026-11-26T20:14:40Z \uFFFDllo'),
      out('2026-11-26T20:14:40Z end'),
    ],
  },
];

describe('captured podman log streams', () => {
  for (const { file, opts, lines } of CAPTURES) {
    describe(file, () => {
      const bytes = fixture(file);

      it('parses whole', () => {
        expect(parse([bytes], opts)).toEqual(lines);
      });

      it('parses the same split at every offset', () => {
        for (let at = 0; at <= bytes.length; at++) {
          expect(parse(splitAt(bytes, [at]), opts), `split at ${at}`).toEqual(lines);
        }
      });

      it('parses the same split at every pair of offsets', () => {
        for (let a = 1; a < bytes.length; a++) {
          for (let b = a; b < bytes.length; b++) {
            const got = parse(splitAt(bytes, [a, b]), opts);
            if (JSON.stringify(got) !== JSON.stringify(lines)) {
              expect(got, `split at ${a} and ${b}`).toEqual(lines);
            }
          }
        }
      });

      it('parses the same one byte at a time', () => {
        const bytewise = [...bytes].map((b) => Buffer.of(b));
        expect(parse(bytewise, opts)).toEqual(lines);
      });

      it('parses the same at random splits', () => {
        fc.assert(
          fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (offsets) => {
            expect(parse(splitAt(bytes, offsets), opts)).toEqual(lines);
          }),
        );
      });
    });
  }

  it("shows why the daemon tails itself: podman's tail=2 mixes the streams", () => {
    const lines = parse([fixture('nontty-tail2-podman-bug.bin')], { tty: false });
    // The stderr line "😀 err" lost its first two bytes to a stdout line and gained stdout's
    // "tail"; the same container's full history above has them apart.
    expect(lines).toEqual([out('\uFFFD\uFFFD'), err('\uFFFD\uFFFD errtail')]);
  });
});

/** podman's k8s-file logs on disk, beside its API's body for the same container. */
const K8S_FILES: Array<{ file: string; api: string; tty: boolean }> = [
  { file: 'nontty-partial-utf8.k8s-file.log', api: 'nontty-partial-utf8.bin', tty: false },
  { file: 'nontty-long-line.k8s-file.log', api: 'nontty-long-line.bin', tty: false },
  { file: 'tty.k8s-file.log', api: 'tty.bin', tty: true },
];

function parseFile(chunks: Buffer[]): LogLine[] {
  const parser = new K8sFileParser();
  const out: LogLine[] = [];
  for (const chunk of chunks) parser.push(chunk, out);
  parser.end(out);
  return out;
}

describe('k8s-file logs read from disk', () => {
  for (const { file, api, tty } of K8S_FILES) {
    describe(file, () => {
      const bytes = fixture(file);
      const lines = parse([fixture(api)], { tty });

      it("gives the lines podman's API gives, split at every offset", () => {
        expect(lines.length).toBeGreaterThan(2);
        for (let at = 0; at <= bytes.length; at++) {
          expect(parseFile(splitAt(bytes, [at])), `split at ${at}`).toEqual(lines);
        }
      });

      it('gives the same at random splits', () => {
        fc.assert(
          fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (offsets) => {
            expect(parseFile(splitAt(bytes, offsets))).toEqual(lines);
          }),
        );
      });

      it('leaves out an entry still being written', () => {
        const lastEntry = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
        const cut = bytes.subarray(0, lastEntry + 20);
        const whole = parseFile([bytes.subarray(0, lastEntry)]);
        expect(parseFile([cut])).toEqual(whole);
      });
    });
  }

  it('keeps an empty line, and refuses what is not a k8s-file log', () => {
    const t = '2026-11-26T22:00:41.295541798+00:00';
    expect(parseFile([Buffer.from(`${t} stdout F \n${t} stderr F\n${t} stdout F a\n`)])).toEqual([
      out(''),
      err(''),
      out('a'),
    ]);
    expect(() => parseFile([Buffer.from('{"log":"a\\n","stream":"stdout"}\n')])).toThrow(
      LogFrameError,
    );
    expect(() => parseFile([Buffer.alloc(70 * 1024, 0x41)])).toThrow(/over 65536 bytes/);
  });
});

describe('bad frame headers', () => {
  it('refuses a frame over the cap from its header, before any payload arrives', () => {
    const header = Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const demux = new LogDemuxer({ tty: false });
    const lines: LogLine[] = [];
    expect(() => demux.push(Buffer.concat([frame(1, 'kept\n'), header]), lines)).toThrow(
      LogFrameError,
    );
    expect(lines).toEqual([out('kept')]);
    // The error is final: there is no boundary to resume from.
    expect(() => demux.push(Buffer.from('more'), lines)).toThrow(/over the 1048576-byte limit/);
  });

  it('accepts a frame of exactly the cap', () => {
    const big = Buffer.alloc(MAX_FRAME, 0x61);
    const lines = parse([frame(2, big)], { tty: false });
    expect(lines.map((l) => l.t).join('')).toBe(big.toString());
    expect(lines.every((l) => l.s === 'err')).toBe(true);
  });

  it('refuses a header split across chunks, at its last byte', () => {
    const header = Buffer.from([2, 0, 0, 0, 0x00, 0x10, 0x00, 0x01]);
    const demux = new LogDemuxer({ tty: false, maxFrame: 0x100000 });
    const lines: LogLine[] = [];
    demux.push(header.subarray(0, 7), lines);
    expect(demux.midFrame).toBe(true);
    expect(() => demux.push(header.subarray(7), lines)).toThrow(LogFrameError);
  });

  it('refuses an unknown stream type and non-zero padding', () => {
    for (const header of [
      [3, 0, 0, 0, 0, 0, 0, 1],
      [1, 0, 1, 0, 0, 0, 0, 1],
    ]) {
      expect(() => parse([Buffer.from(header)], { tty: false })).toThrow(/not a log frame header/);
    }
  });

  it('refuses a TTY stream read as framed ("out\\r\\n" is not a header)', () => {
    expect(() => parse([fixture('tty.bin')], { tty: false })).toThrow(LogFrameError);
  });

  it('treats stdin frames (type 0) as stdout, as Docker does', () => {
    expect(parse([frame(0, 'typed\n')], { tty: false })).toEqual([out('typed')]);
  });

  it('keeps a frame cut short by the end of the stream', () => {
    const demux = new LogDemuxer({ tty: false });
    const lines: LogLine[] = [];
    demux.push(frame(1, 'complete\nhalf of a fram').subarray(0, 27), lines);
    expect(demux.midFrame).toBe(true);
    demux.end(lines);
    expect(lines).toEqual([out('complete'), out('half of a ')]);
  });
});

describe('lines', () => {
  it('cuts a line over the cap into pieces, never inside a character', () => {
    const text = 'aé€😀'.repeat(5000);
    for (const maxLine of [4, 5, 6, 7, 64, 1000]) {
      const lines = parse([frame(1, `${text}\nnext\n`)], { tty: false, maxLine });
      const pieces = lines.slice(0, -1).map((l) => l.t);
      expect(pieces.join('')).toBe(text);
      expect(pieces.every((p) => Buffer.byteLength(p) <= maxLine && !p.includes('\uFFFD'))).toBe(
        true,
      );
      expect(lines.at(-1)).toEqual(out('next'));
    }
  });

  it('holds at most the cap for a line that never ends', () => {
    const splitter = new LineSplitter({ maxLine: 1024 });
    const lines: LogLine[] = [];
    for (let i = 0; i < 1000; i++) splitter.push('out', Buffer.alloc(1000, 0x78), lines);
    expect(lines.length).toBe(976);
    expect(lines.every((l) => l.t.length === 1024)).toBe(true);
  });

  it('keeps stdout and stderr lines apart when their pieces interleave', () => {
    const bytes = Buffer.concat([
      frame(1, 'std'),
      frame(2, 'mis'),
      frame(1, 'out\r'),
      frame(2, 'take\n'),
      frame(1, '\n'),
    ]);
    expect(parse([bytes], { tty: false })).toEqual([err('mistake'), out('stdout')]);
  });

  it('ends open lines in the order they began', () => {
    expect(parse([frame(2, 'first'), frame(1, 'second')], { tty: false })).toEqual([
      err('first'),
      out('second'),
    ]);
  });

  it('keeps a lone \\r inside a line (progress bars) and drops \\r only before \\n', () => {
    expect(parse([Buffer.from('10%\r20%\r\r\n')], { tty: true })).toEqual([out('10%\r20%\r')]);
  });
});

describe('generated streams', () => {
  const line = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ''));
  const stream = fc.constantFrom<LogLine['s']>('out', 'err');
  const STAMP = '2026-11-26T20:14:31Z ';

  /**
   * Writes each line as podman would, in pieces that may split a character, each piece in its
   * own frame (with its own timestamp when asked), on either stream.
   */
  function encode(
    lines: Array<{ s: LogLine['s']; t: string; cuts: number[] }>,
    timestamps: boolean,
  ): Buffer {
    const frames: Buffer[] = [];
    for (const l of lines) {
      const bytes = Buffer.from(`${l.t}\n`);
      for (const piece of splitAt(
        bytes,
        l.cuts.map((c) => c % bytes.length).filter((c) => c),
      )) {
        frames.push(
          frame(
            l.s === 'out' ? 1 : 2,
            timestamps ? Buffer.concat([Buffer.from(STAMP), piece]) : piece,
          ),
        );
      }
    }
    return Buffer.concat(frames);
  }

  for (const timestamps of [false, true]) {
    it(`reassembles every line, whatever the pieces and chunks${timestamps ? ', with timestamps' : ''}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ s: stream, t: line, cuts: fc.array(fc.nat(), { maxLength: 4 }) }), {
            maxLength: 20,
          }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (lines, chunkCuts) => {
            const bytes = encode(lines, timestamps);
            const chunks = splitAt(
              bytes,
              chunkCuts.map((c) => c % (bytes.length + 1)),
            );
            const expected = lines.map((l) => ({ s: l.s, t: (timestamps ? STAMP : '') + l.t }));
            expect(parse(chunks, { tty: false, timestamps })).toEqual(expected);
          },
        ),
      );
    });
  }

  it('returns lines or throws LogFrameError for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, tty) => {
        try {
          parse([Buffer.from(bytes)], { tty, maxFrame: 64 });
        } catch (error) {
          expect(error).toBeInstanceOf(LogFrameError);
        }
      }),
    );
  });
});
