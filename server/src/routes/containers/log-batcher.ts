/**
 * The SSE end of a log stream: lines collected into `lines` events (every 50 ms, or 1000
 * lines, or 256 KiB), and the reader held back while the socket's buffer is full.
 */
import type { LogLine } from '@archdeck/shared';
import type { LogOutput } from '../../engine/types.js';
import { lineCost } from '../../lib/line-cost.js';
import type { SseStream } from '../../lib/sse.js';

const BATCH_MS = 50;
const BATCH_LINES = 1000;
const BATCH_BYTES = 256 * 1024;

export class LineBatcher implements LogOutput {
  private lines: LogLine[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private full = false;
  private sentAt = 0;

  constructor(private readonly sse: SseStream) {}

  add(line: LogLine): void {
    this.lines.push(line);
    this.bytes += lineCost(line);
    if (this.lines.length >= BATCH_LINES || this.bytes >= BATCH_BYTES) this.flush();
    // The first lines after a quiet spell go out at once (with what else comes in this turn
    // of the event loop): a batch only waits when one was sent less than BATCH_MS ago.
    else this.timer ??= setTimeout(() => this.flush(), this.sentAt + BATCH_MS - Date.now());
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.bytes = 0;
    this.sentAt = Date.now();
    if (!this.sse.send('lines', { lines })) this.full = true;
  }

  /** The socket is full: nothing more should be read or released until ready(). */
  get busy(): boolean {
    return this.full;
  }

  /** Resolves when more may be read from podman. */
  async ready(): Promise<void> {
    if (!this.full) return;
    await this.sse.drained();
    this.full = false;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
