import { catalogueEntry, type ErrorCode } from './catalogue.ts';

export interface AppErrorOptions {
  /** A specific message; defaults to the catalogue's message for the code. */
  message?: string;
  /** Machine-readable details: `field`, `rule`, limits, flags… Never secrets. */
  data?: Record<string, unknown>;
  /** Overrides the catalogue status where one code serves two situations (e.g. INVALID_OTP: 400 malformed, 401 wrong). */
  status?: number;
  /** Extra response headers such as Retry-After. */
  headers?: Record<string, string>;
}

/** The one error type domain code throws; the error plugin renders it as { createTime, message, code, data }. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly data: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, opts: AppErrorOptions = {}) {
    const entry = catalogueEntry(code);
    super(opts.message ?? entry.message);
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? entry.status;
    this.data = opts.data ?? {};
    this.headers = opts.headers ?? {};
  }
}

export interface ErrorBody {
  createTime: string;
  message: string;
  code: string;
  data: Record<string, unknown>;
}

export function errorBody(
  code: string,
  message: string,
  data: Record<string, unknown> = {},
  now = new Date(),
): ErrorBody {
  return { createTime: now.toISOString(), message, code, data };
}
