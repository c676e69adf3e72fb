import type { ApiError } from '@archdeck/shared';

/**
 * An error meant for the user: an HTTP status, a stable code and a message that says how to
 * fix it. Anything thrown that is not an AppError is an internal error: logged, never sent.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly detail?: Record<string, unknown>,
    /** What went wrong underneath: logged for a 5xx, never sent. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
  }

  toBody(): ApiError {
    return this.detail
      ? { code: this.code, message: this.message, detail: this.detail }
      : { code: this.code, message: this.message };
  }
}

export const badRequest = (message: string, detail?: Record<string, unknown>) =>
  new AppError(400, 'bad_request', message, detail);
export const notFound = (message: string) => new AppError(404, 'not_found', message);

/**
 * The daemon cannot start, for a reason the user can act on: printed as one line (no stack)
 * and the process exits 2, like a bad flag.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
