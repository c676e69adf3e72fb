import type { BuildOutput } from '@archdeck/shared';

/** Lines kept per platform, as the daemon keeps them: a chatty build cannot fill the tab. */
export const KEEP_LINES = 5000;

export interface PlatformOutput {
  lines: string[];
  /** Lines before `lines[0]` that are not kept (here or by the daemon). */
  dropped: number;
}

/**
 * A build's output as the browser holds it, per platform, outside the query cache (it is a data
 * stream, not server state). Lines are numbered by the daemon (`from`), so a reconnect's replay
 * adds only what is new. Subscribers hear of changes at most once per animation frame.
 */
export class BuildOutputStore {
  private readonly platforms = new Map<string, PlatformOutput & { next: number }>();
  private readonly listeners = new Set<() => void>();
  private frame: number | null = null;
  private version = 0;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getVersion = () => this.version;

  get(platform: string): PlatformOutput {
    return this.platforms.get(platform) ?? { lines: [], dropped: 0 };
  }

  add({ platform, from, lines }: BuildOutput): void {
    const p = this.platforms.get(platform) ?? { lines: [], dropped: 0, next: 0 };
    this.platforms.set(platform, p);
    // Lines seen already (a replay after a reconnect) are skipped; a gap was not kept.
    const fresh = lines.slice(Math.max(0, p.next - from));
    if (from > p.next) p.dropped += from - p.next;
    if (fresh.length === 0) return;
    p.next = Math.max(p.next, from + lines.length);
    p.lines = p.lines.concat(fresh);
    if (p.lines.length > KEEP_LINES) {
      p.dropped += p.lines.length - KEEP_LINES;
      p.lines = p.lines.slice(-KEEP_LINES);
    }
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      this.version++;
      for (const listener of this.listeners) listener();
    });
  }
}
