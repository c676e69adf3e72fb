import type { TerminalRequest, TerminalTicket } from '@archdeck/shared';
import { api } from '@/lib/api-client';

/**
 * Asks for a terminal: a short-lived, single-use ticket and the same-origin path to open as a
 * WebSocket with it. 409 when the container is not running (or, to attach, has no TTY), 429
 * when too many terminals are open. Not a query: every call is a new session.
 */
export const openTerminal = (id: string, body: TerminalRequest, signal?: AbortSignal) =>
  api.post<TerminalTicket>(`/api/containers/${encodeURIComponent(id)}/terminal`, body, { signal });

/** The WebSocket URL for a ticket's path: same origin, so the session cookie goes along. */
export const terminalSocketUrl = (path: string) =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
