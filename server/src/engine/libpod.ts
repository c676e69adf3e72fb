/**
 * Calls on libpod's own routes, through the connection's second client (`/v4.0.0/libpod/…`,
 * see connection.ts): dockerode has no methods for them, so they go through its modem, which prefixes
 * the version, appends `query` and sends `body` as JSON.
 */
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { engineError } from './errors.js';

export interface LibpodRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Starts with `/libpod/`; names in it are percent-encoded by the caller. */
  path: string;
  query?: Record<string, string | boolean | string[]>;
  body?: unknown;
  /** The statuses that are an answer; any other is an error. */
  ok: number[];
  /** For errors: what was being asked about ("manifest list x"). */
  what: string;
  signal?: AbortSignal;
}

function dial<T>(libpod: Docker, req: LibpodRequest, isStream: boolean): Promise<T> {
  const statusCodes: Record<number, string | boolean> = {
    400: 'bad parameter',
    404: 'no such object',
    409: 'conflict',
    500: 'server error',
  };
  for (const status of req.ok) statusCodes[status] = true;
  const json = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  return new Promise<T>((resolve, reject) => {
    libpod.modem.dial(
      {
        path: `${req.path}?`,
        method: req.method,
        // `_query` keeps the query apart from the body; a PUT body is sent only as `file`.
        options: { _query: req.query ?? {}, _body: {} },
        ...(json ? { file: json, headers: { 'Content-Type': 'application/json' } } : {}),
        statusCodes,
        isStream,
        abortSignal: req.signal,
      },
      (err: unknown, data: unknown) =>
        err ? reject(engineError(err, req.what)) : resolve(data as T),
    );
  });
}

/** A request whose answer is one JSON document (or nothing). */
export const libpodJson = <T>(libpod: Docker, req: LibpodRequest) => dial<T>(libpod, req, false);

/** A request whose answer is streamed (newline-delimited JSON progress). */
export const libpodStream = (libpod: Docker, req: LibpodRequest) =>
  dial<Readable>(libpod, req, true);
