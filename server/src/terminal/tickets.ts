/**
 * Single-use terminal tickets. The WebSocket handshake cannot carry a JSON body and browsers
 * cannot set headers on it, so what the terminal is for is decided by a normal credentialed
 * POST and handed to the upgrade as a random ticket, valid once and for TICKET_TTL_MS.
 */
import { randomBytes } from 'node:crypto';
import type { TerminalSpec } from '../engine/types.js';

export const TICKET_TTL_MS = 30_000;

interface Pending {
  spec: TerminalSpec;
  expiresAt: number;
}

export class TicketStore {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly ttlMs = TICKET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(spec: TerminalSpec): string {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    this.pending.set(ticket, { spec, expiresAt: this.now() + this.ttlMs });
    return ticket;
  }

  /** The spec bound to a valid ticket, which is used up; null for unknown, used or expired. */
  consume(ticket: string): TerminalSpec | null {
    const entry = this.pending.get(ticket);
    if (!entry) return null;
    this.pending.delete(ticket);
    return entry.expiresAt > this.now() ? entry.spec : null;
  }

  /** Tickets not used yet and still valid: each may become a terminal. */
  get size(): number {
    this.sweep();
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.pending) {
      if (entry.expiresAt <= now) this.pending.delete(ticket);
    }
  }
}
