import { Type, type Static } from 'typebox';

/**
 * A terminal is opened in two steps: POST /api/containers/:id/terminal (a normal, credentialed,
 * same-origin request) returns a short-lived single-use ticket; the browser then opens
 * `GET /api/terminal?ticket=…` as a WebSocket. Binary frames carry terminal bytes both ways;
 * text frames carry TerminalControl (client → server) and TerminalEvent (server → client).
 */
export const TerminalRequest = Type.Object(
  {
    /** exec: a new shell in a running container; attach: the TTY of a container started with one. */
    mode: Type.Union([Type.Literal('exec'), Type.Literal('attach')]),
    shell: Type.Optional(Type.Union([Type.Literal('/bin/sh'), Type.Literal('/bin/bash')])),
    cols: Type.Integer({ minimum: 10, maximum: 500 }),
    rows: Type.Integer({ minimum: 5, maximum: 300 }),
  },
  { additionalProperties: false },
);
export type TerminalRequest = Static<typeof TerminalRequest>;

export const TerminalTicket = Type.Object({
  ticket: Type.String(),
  /** Path (same origin) to open as a WebSocket. */
  path: Type.String(),
  expiresInMs: Type.Integer(),
});
export type TerminalTicket = Static<typeof TerminalTicket>;

export const TerminalControl = Type.Object({
  type: Type.Literal('resize'),
  cols: Type.Integer({ minimum: 10, maximum: 500 }),
  rows: Type.Integer({ minimum: 5, maximum: 300 }),
});
export type TerminalControl = Static<typeof TerminalControl>;

export const TerminalEvent = Type.Union([
  Type.Object({ type: Type.Literal('ready') }),
  Type.Object({ type: Type.Literal('exit'), code: Type.Union([Type.Integer(), Type.Null()]) }),
  Type.Object({ type: Type.Literal('error'), message: Type.String() }),
]);
export type TerminalEvent = Static<typeof TerminalEvent>;
