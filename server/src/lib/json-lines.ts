/**
 * Splits a byte stream of newline-delimited JSON (podman's pull progress and event stream)
 * into parsed values. Chunks may split a line, or a multi-byte character, anywhere: bytes
 * are buffered until a newline, and only whole lines are decoded. A line longer than
 * `maxLine` is dropped rather than buffered forever.
 */
export class JsonLines {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(private readonly maxLine = 1024 * 1024) {}

  /** Returns the values completed by this chunk; lines that are not JSON are skipped. */
  push(chunk: Buffer): unknown[] {
    const out: unknown[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const part = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.reset();
        continue;
      }
      const line = this.pendingBytes ? Buffer.concat([...this.pending, part]) : part;
      this.reset();
      const value = parse(line);
      if (value !== undefined) out.push(value);
    }
    const rest = chunk.subarray(start);
    if (rest.length && !this.skipping) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxLine) {
        this.skipping = true;
        this.reset();
      }
    }
    return out;
  }

  /** What is left when the stream ends without a final newline. */
  end(): unknown[] {
    if (this.skipping || !this.pendingBytes) return [];
    const value = parse(Buffer.concat(this.pending));
    this.reset();
    return value === undefined ? [] : [value];
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function parse(line: Buffer): unknown {
  const text = line.toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
