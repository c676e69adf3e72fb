import { Type, type Static } from 'typebox';

/**
 * The one body every 4xx/5xx response carries. `message` is written for the user and,
 * where there is one, contains the fix; `detail` holds machine-readable context.
 */
export const ApiError = Type.Object(
  {
    code: Type.String({ description: 'Stable machine-readable code, e.g. "unauthorized"' }),
    message: Type.String({ description: 'What went wrong and how to fix it' }),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'ApiError' },
);
export type ApiError = Static<typeof ApiError>;

/** Response schemas for the error statuses a route can answer with. */
export const errorResponses = {
  400: ApiError,
  401: ApiError,
  403: ApiError,
  404: ApiError,
  409: ApiError,
  415: ApiError,
  421: ApiError,
  500: ApiError,
  502: ApiError,
  503: ApiError,
} as const;

/**
 * What a request that reaches out to a registry can answer besides its own errors: a login
 * needed or refused (401), a blocked registry (403), no such image (404), a registry that
 * failed, is unreachable or untrusted (502), or too slow (504).
 */
export const registryErrorResponses = {
  401: ApiError,
  403: ApiError,
  404: ApiError,
  502: ApiError,
  504: ApiError,
} as const;
