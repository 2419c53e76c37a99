// Typed errors. An API answer other than 2xx becomes an OnrampError carrying the API's `code`,
// `message` and `data` (docs: the error catalogue), the HTTP status and the request id to quote to
// the operator; no answer at all (network failure, timeout) is an OnrampConnectionError.

/** The error body every onramp answer uses: `{ createTime, message, code, data }`. */
export interface OnrampErrorBody {
  createTime?: string;
  message: string;
  code: string;
  data?: Record<string, unknown>;
}

export class OnrampError extends Error {
  override readonly name = 'OnrampError';
  /** The API error code, e.g. MFA_REQUIRED, INVALID_FIAT_AMOUNT, EXCEEDS_LIMIT_ACH. */
  readonly code: string;
  /** Details such as `field` and `rule`. */
  readonly data: Record<string, unknown>;
  readonly status: number;
  /** The x-request-id of the answer: quote it when asking the operator. */
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying, from Retry-After (429, 409 IDEMPOTENCY_KEY_IN_USE). */
  readonly retryAfterSeconds: number | undefined;
  readonly createTime: string | undefined;

  constructor(
    body: OnrampErrorBody,
    init: { status: number; requestId?: string | undefined; retryAfterSeconds?: number | undefined },
  ) {
    super(body.message);
    this.code = body.code;
    this.data = body.data ?? {};
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.createTime = body.createTime;
  }
}

/** The request got no answer: the network failed or the timeout passed (after any retries). */
export class OnrampConnectionError extends Error {
  override readonly name = 'OnrampConnectionError';
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function isErrorBody(value: unknown): value is OnrampErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as OnrampErrorBody).code === 'string' &&
    typeof (value as OnrampErrorBody).message === 'string'
  );
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if any. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What the generated client throws (the parsed body, or a network error), as one of our errors. */
export function toOnrampError(thrown: unknown, response: Response | undefined, request: Request | undefined): Error {
  if (thrown instanceof OnrampError || thrown instanceof OnrampConnectionError) return thrown;
  if (!response) {
    const cause = thrown instanceof Error ? thrown : undefined;
    const message = cause?.name === 'TimeoutError' ? 'the request timed out' : (cause?.message ?? String(thrown));
    return new OnrampConnectionError(
      `${request?.method ?? 'request'} ${request?.url ?? ''}: ${message}`,
      request?.method ?? '',
      request?.url ?? '',
      { cause: thrown },
    );
  }
  const init = {
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? undefined,
    retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
  };
  if (isErrorBody(thrown)) return new OnrampError(thrown, init);
  // Not our error shape (a proxy's page, Plaid's error object from the sandbox Link API).
  const plaid = thrown as { error_code?: unknown; error_message?: unknown } | undefined;
  if (plaid && typeof plaid.error_code === 'string') {
    return new OnrampError(
      { code: plaid.error_code, message: String(plaid.error_message ?? plaid.error_code), data: { plaid } },
      init,
    );
  }
  const text = typeof thrown === 'string' ? thrown.slice(0, 200) : JSON.stringify(thrown)?.slice(0, 200);
  return new OnrampError({ code: `HTTP_${response.status}`, message: text || response.statusText, data: {} }, init);
}
