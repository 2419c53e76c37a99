// How each request goes out: a timeout per attempt, and bounded retries only where repeating the
// request cannot do something twice.
//
// - GET and HEAD are retried after a network failure, a timeout, a 429 or a 5xx (not 501).
// - A write is retried after those only when it carries an Idempotency-Key on an operation whose
//   server honours it (IDEMPOTENT_OPERATIONS, generated from the document): the retry replays the
//   first answer instead of running again. 409 with Retry-After (IDEMPOTENCY_KEY_IN_USE: the first
//   attempt is still running) is retried for these too.
// - Any request is retried after a 429: the server refused it before doing anything.
// - Waits follow Retry-After when the server sends it, else exponential backoff with jitter; a wait
//   longer than `maxDelayMs` is not made — the answer is returned (and thrown as an OnrampError
//   carrying retryAfterSeconds).

import { retryAfterSeconds } from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** The first backoff (default 300 ms); it doubles on each retry, with jitter. */
  baseDelayMs?: number;
  /** The longest wait before a retry (default 10 s), whether from backoff or Retry-After. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  fetch: typeof fetch;
  /** Per attempt (default 30 s). */
  timeoutMs: number;
  retry: Required<RetryOptions>;
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 2, baseDelayMs: 300, maxDelayMs: 10_000 };

// Requests whose operation honours Idempotency-Key, as the request interceptor found them.
const keyedRequests = new WeakSet<Request>();

export function markKeyed(request: Request): void {
  keyedRequests.add(request);
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = retryAfterSeconds(response.headers.get('retry-after'));
  return seconds === undefined ? undefined : seconds * 1000;
}

function backoffMs(attempt: number, retry: Required<RetryOptions>): number {
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** How long to wait before retrying this answer, or undefined to return it. */
function retryDelay(response: Response, attempt: number, safe: boolean, retry: Required<RetryOptions>) {
  const status = response.status;
  const after = retryAfterMs(response);
  const retryable =
    status === 429 || (status === 409 && safe && after !== undefined) || (status >= 500 && status !== 501 && safe);
  if (!retryable) return undefined;
  const delay = after ?? backoffMs(attempt, retry);
  return delay <= retry.maxDelayMs ? delay : undefined;
}

/** A fetch that applies the timeout and the retry rules above; what the generated client calls. */
export function retryingFetch(options: TransportOptions): (request: Request) => Promise<Response> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (request) => {
    const method = request.method.toUpperCase();
    const safe =
      method === 'GET' || method === 'HEAD' || (keyedRequests.has(request) && request.headers.has('idempotency-key'));
    // The body is read once so every attempt sends the same bytes.
    const body = method === 'GET' || method === 'HEAD' ? undefined : await request.arrayBuffer();
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.retry.maxRetries;
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(options.timeoutMs)]);
      let response: Response;
      try {
        response = await options.fetch(
          new Request(request.url, { method, headers: request.headers, body: body ?? null, signal }),
        );
      } catch (error) {
        if (last || !safe || request.signal.aborted) throw error;
        await sleep(backoffMs(attempt, options.retry));
        continue;
      }
      const wait = last ? undefined : retryDelay(response, attempt, safe, options.retry);
      if (wait === undefined) return response;
      await response.body?.cancel();
      await sleep(wait);
    }
  };
}
