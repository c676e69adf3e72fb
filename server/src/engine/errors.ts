/**
 * podman's failures as ours, in one place: its HTTP status mapped to ours, its message kept
 * (it is written for users), its quirks repaired, and a podman that went away said as such.
 */
import { AppError } from '../lib/errors.js';

/** The socket errors of a podman that is not there (any more). */
const PODMAN_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE']);

/** Turns dockerode's HTTP errors into ours; podman's message is kept, it is meant for users. */
export function engineError(err: unknown, what: string): AppError {
  const e = err as {
    statusCode?: number;
    code?: string;
    json?: { message?: string; cause?: string };
    message?: string;
  };
  const message = e.json?.message ?? e.message ?? String(err);
  // No HTTP answer at all: podman went away (killed, restarted) while it was being asked.
  if (
    e.statusCode === undefined &&
    (PODMAN_GONE.has(e.code ?? '') || /socket hang up/.test(message))
  ) {
    return new AppError(
      503,
      'podman_unavailable',
      `podman stopped answering while archdeck asked it about ${what} (${message}). archdeck reconnects by itself; try again once podman is back (the Host page shows it).`,
      undefined,
      err,
    );
  }
  // HACK: while podman removes a container (at exit, for `--rm`) its API answers 500
  // "… does not exist in database: no such container" instead of 404
  // (https://github.com/containers/podman/issues/17341).
  const gone = e.statusCode === 500 && /no such container/.test(message);
  switch (gone ? 404 : e.statusCode) {
    case 404:
      return new AppError(404, 'not_found', `No such ${what}.`);
    case 409:
      return new AppError(409, 'conflict', `Podman refused: ${message}`);
    case 400:
      return new AppError(400, 'bad_request', `Podman refused: ${message}`);
    default:
      return new AppError(
        502,
        'podman_error',
        `Podman failed on ${what}: ${message}`,
        undefined,
        err,
      );
  }
}
