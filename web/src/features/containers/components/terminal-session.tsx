import { useEffect, useId, useRef, useState } from 'react';
import { X } from 'lucide-react';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TerminalControl, TerminalEvent, TerminalRequest } from '@archdeck/shared';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { openTerminal, terminalSocketUrl } from '../api/open-terminal';

export type Shell = NonNullable<TerminalRequest['shell']>;

export interface SessionSpec {
  /** Bumped on every open, so opening again starts a fresh session. */
  key: number;
  mode: TerminalRequest['mode'];
  shell: Shell;
}

type Status =
  | { kind: 'opening' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'exited'; code: number | null }
  | { kind: 'disconnected' }
  | { kind: 'failed'; error: unknown };

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** The contract's bounds (TerminalRequest, TerminalControl). */
const size = (term: Terminal) => ({
  cols: clamp(term.cols, 10, 500),
  rows: clamp(term.rows, 5, 300),
});

function statusText(status: Status): string {
  switch (status.kind) {
    case 'opening':
      return 'opening…';
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return 'connected';
    case 'exited':
      return status.code === null ? 'exited' : `exited with code ${status.code}`;
    case 'disconnected':
      return 'disconnected';
    case 'failed':
      return 'failed';
  }
}

function parseEvent(data: string): TerminalEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && 'type' in value) {
      return value as TerminalEvent;
    }
  } catch {
    // Not JSON: ignored, like any other control we do not know.
  }
  return null;
}

/**
 * Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes, as in desktop terminals (plain
 * Ctrl+C and Ctrl+V belong to the shell). The browser's own copy of a selection keeps working.
 */
function clipboardKeys(term: Terminal) {
  return (event: KeyboardEvent): boolean => {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return true;
    if (event.code !== 'KeyC' && event.code !== 'KeyV') return true;
    if (event.type === 'keydown') {
      event.preventDefault();
      if (event.code === 'KeyC') {
        if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection());
      } else {
        void navigator.clipboard
          ?.readText()
          .then((text) => term.paste(text))
          .catch(() => undefined);
      }
    }
    return false;
  };
}

/**
 * One terminal session: an xterm.js view, fitted to its box, then a ticket asked for with that
 * size and a WebSocket opened with it. Binary frames are terminal bytes both ways; text frames
 * are JSON controls. Unmounting closes the socket. Loaded on demand: xterm.js is large.
 */
export function TerminalSession({
  containerId,
  spec,
  onClose,
}: {
  containerId: string;
  spec: SessionSpec;
  onClose: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'opening' });
  const statusId = useId();

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.attachCustomKeyEventHandler(clipboardKeys(term));
    term.open(element);
    fit.fit();
    term.focus();

    const abort = new AbortController();
    let socket: WebSocket | null = null;
    let ended = false;
    const encoder = new TextEncoder();

    const sendControl = (control: TerminalControl) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(control));
    };
    const sendBytes = (bytes: Uint8Array) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(bytes);
    };

    const disposables = [
      term.onData((data) => sendBytes(encoder.encode(data))),
      // Mouse reports and the like: one char per byte, not UTF-8.
      term.onBinary((data) => sendBytes(Uint8Array.from(data, (char) => char.charCodeAt(0)))),
      term.onResize(() => sendControl({ type: 'resize', ...size(term) })),
    ];

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        // A hidden or collapsed box has no size to fit to.
        if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
      });
    });
    observer.observe(element);

    openTerminal(
      containerId,
      {
        mode: spec.mode,
        ...(spec.mode === 'exec' ? { shell: spec.shell } : {}),
        ...size(term),
      },
      abort.signal,
    ).then(
      (ticket) => {
        if (abort.signal.aborted) return;
        setStatus({ kind: 'connecting' });
        const ws = new WebSocket(terminalSocketUrl(ticket.path));
        ws.binaryType = 'arraybuffer';
        socket = ws;
        ws.onopen = () => {
          // The size may have changed while the ticket was on its way.
          sendControl({ type: 'resize', ...size(term) });
        };
        ws.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
          if (typeof message.data !== 'string') {
            term.write(new Uint8Array(message.data));
            return;
          }
          const event = parseEvent(message.data);
          if (!event) return;
          if (event.type === 'ready') setStatus({ kind: 'connected' });
          else if (event.type === 'exit') {
            ended = true;
            setStatus({ kind: 'exited', code: event.code });
          } else if (event.type === 'error') {
            ended = true;
            setStatus({ kind: 'failed', error: event.message });
          }
        };
        ws.onclose = () => {
          if (!ended && !abort.signal.aborted) setStatus({ kind: 'disconnected' });
          ended = true;
        };
        ws.onerror = () => {
          if (!ended && !abort.signal.aborted) {
            ended = true;
            setStatus({ kind: 'failed', error: 'The terminal connection failed.' });
          }
        };
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setStatus({ kind: 'failed', error });
      },
    );

    return () => {
      abort.abort();
      observer.disconnect();
      cancelAnimationFrame(frame);
      for (const disposable of disposables) disposable.dispose();
      socket?.close();
      term.dispose();
    };
  }, [containerId, spec]);

  const live = status.kind === 'connected' || status.kind === 'connecting';
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-muted">
          <span className="font-mono">{spec.mode === 'exec' ? spec.shell : 'attached'}</span>
          {' · '}
          <span id={statusId} role="status" data-testid="terminal-status">
            {statusText(status)}
          </span>
        </p>
        <Button size="sm" icon={<X aria-hidden />} onClick={onClose} data-testid="terminal-close">
          {live ? 'Close' : 'Dismiss'}
        </Button>
      </div>
      {status.kind === 'failed' && (
        <div data-testid="terminal-error">
          <ErrorNotice title="The terminal could not be used" error={status.error} />
        </div>
      )}
      <div
        ref={host}
        data-testid="terminal"
        aria-describedby={statusId}
        className="h-[26rem] overflow-hidden rounded-lg bg-black p-2"
      />
    </div>
  );
}
