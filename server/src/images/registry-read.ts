/**
 * One read of a registry for a request: the reference parsed, the registries marked insecure
 * in registries.conf (read on every request: it may change, and it is small), given up when
 * the client leaves, and a registry's failure turned into our error body (its kind is the
 * code, its message carries the fix).
 */
import { errorResponses } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import { parseRef } from './pulls.js';
import type { ImageReference } from './reference.js';
import {
  registryOptions,
  RegistryError,
  type RegistryErrorKind,
  type RegistryOptions,
} from './registry-client.js';

const STATUS: Record<RegistryErrorKind, number> = {
  not_found: 404,
  unauthorized: 401,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  bad_response: 502,
  too_large: 502,
};

const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;
/** What a route that reads a registry answers besides its 200. */
export const registryFailures = {
  400: e400,
  401: e401,
  404: e404,
  500: e500,
  502: e502,
  504: e502,
};

export async function readRegistry<T>(
  registriesConf: string,
  reference: string,
  signal: AbortSignal,
  read: (ref: ImageReference, opts: RegistryOptions) => Promise<T>,
): Promise<T> {
  const ref = parseRef(reference);
  const opts = await registryOptions(registriesConf, { signal });
  try {
    return await read(ref, opts);
  } catch (err) {
    if (err instanceof RegistryError) {
      throw new AppError(STATUS[err.kind], `registry_${err.kind}`, err.message);
    }
    throw err;
  }
}
