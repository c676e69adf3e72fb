import type { ApiError } from '@archdeck/shared';

/**
 * A failed API call: the HTTP status and the server's error body. `status` is 0 when the
 * daemon could not be reached at all.
 */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly body: ApiError;

  constructor(status: number, body: ApiError) {
    super(body.message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Whether the daemon says our session is gone. Not every 401 means that: a registry refusing
 * to show a private image comes back as 401 `registry_unauthorized`, and signing the user out
 * of archdeck for it would be wrong.
 */
export function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof ApiRequestError && error.status === 401 && error.body.code === 'unauthorized'
  );
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

// A proxy or a crash can answer with something other than our error body; the user still
// deserves a message rather than a JSON parse error.
async function errorBody(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isApiError(body)) return body;
  return {
    code: `http_${response.status}`,
    message: `The daemon answered ${response.status} ${response.statusText}`.trim(),
  };
}

interface RequestOptions {
  /** Sent as JSON, except a Blob, which is sent as its raw bytes (with its own type, if any). */
  body?: unknown;
  signal?: AbortSignal;
}

function encodeBody(body: unknown): { contentType: string; payload: BodyInit } | null {
  if (body === undefined) return null;
  if (body instanceof Blob)
    return { contentType: body.type || 'application/octet-stream', payload: body };
  return { contentType: 'application/json', payload: JSON.stringify(body) };
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const encoded = encodeBody(options.body);
  if (encoded) headers['Content-Type'] = encoded.contentType;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: encoded?.payload,
      signal: options.signal,
    });
  } catch (error) {
    // Cancellation is TanStack Query's business; let it see the AbortError it expects.
    if (options.signal?.aborted) throw error;
    throw new ApiRequestError(0, {
      code: 'unreachable',
      message: 'Could not reach the archdeck daemon. Is it still running?',
    });
  }

  if (!response.ok) throw new ApiRequestError(response.status, await errorBody(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * The one way the UI talks to the daemon: same origin, cookie session, JSON both ways (a Blob
 * body goes up as raw bytes).
 */
export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('DELETE', path, options),
};
