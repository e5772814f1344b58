/**
 * The API's error catalogue: stable codes, their HTTP status, and the JSON error body
 * `{ "error": { "code": ..., "message": ... } }`. Operation failures reuse the kernel errno names
 * (EEXIST, ESRCH, ...) as codes so clients can map them to ipvsadm's messages.
 */
import type { Errno } from '../core/ops.js';

export const API_ERROR_STATUS = {
  MALFORMED_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_OP: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  CONFIG_REFUSED: 422,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** HTTP status for an operation that the IPVS rules refused. */
export const ERRNO_STATUS: Readonly<Record<Errno, number>> = {
  EEXIST: 409,
  ENOENT: 404,
  ESRCH: 404,
  EINVAL: 422,
  ERANGE: 422,
  ENOMEM: 503,
};

export interface ApiErrorBody {
  readonly error: {
    readonly code: ApiErrorCode | Errno;
    readonly message: string;
    /** For a refused batch: the position of the failing operation. */
    readonly index?: number;
  };
}

export function errorBody(code: ApiErrorCode | Errno, message: string, index?: number): ApiErrorBody {
  return { error: index === undefined ? { code, message } : { code, message, index } };
}
