// Rate limits: per IP before authentication (so guessing secrets is throttled) and per client after
// it. Answers 429 RATE_LIMITED with Retry-After and the draft-standard RateLimit-Limit/-Remaining/
// -Reset headers (from the tighter of the two limits). Fixed one-minute windows.
// Counters live in each process's memory: with N API processes a client gets up to N times the
// limit. The limits that protect security (OTP sends and tries) are kept in the database instead.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors/app-error.ts';

const WINDOW_MS = 60_000;
const MAX_KEYS = 100_000;
// Health checks, and the sandbox chains' JSON-RPC that wallets poll every few seconds.
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/sandbox/rpc/ethereum', '/sandbox/rpc/polygon']);

interface Window {
  count: number;
  resetAt: number;
}

export class FixedWindowLimiter {
  private windows = new Map<string, Window>();
  constructor(readonly max: number) {}

  /** Counts one hit for `key`; returns what is left in its window. */
  hit(key: string, now = Date.now()): { allowed: boolean; remaining: number; resetMs: number } {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= MAX_KEYS) this.sweep(now);
      w = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= this.max, remaining: Math.max(0, this.max - w.count), resetMs: w.resetAt - now };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    // Still full (a flood of distinct keys): start over rather than grow without bound.
    if (this.windows.size >= MAX_KEYS) this.windows = new Map();
  }
}

function apply(reply: FastifyReply, limiter: FixedWindowLimiter, key: string): void {
  const { allowed, remaining, resetMs } = limiter.hit(key);
  const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
  const shown = Number(reply.getHeader('ratelimit-remaining') ?? Number.POSITIVE_INFINITY);
  if (remaining <= shown) {
    reply.header('ratelimit-limit', limiter.max);
    reply.header('ratelimit-remaining', remaining);
    reply.header('ratelimit-reset', resetSeconds);
  }
  if (!allowed) {
    throw new AppError('RATE_LIMITED', {
      message: `Rate limit of ${limiter.max} requests per minute exceeded; retry in ${resetSeconds} s`,
      data: { limit: limiter.max, retryAfterSeconds: resetSeconds },
      headers: { 'retry-after': String(resetSeconds) },
    });
  }
}

export const rateLimitPlugin = fp(async function rateLimitPlugin(
  app: FastifyInstance,
  opts: { config: Config['rateLimit'] },
) {
  if (!opts.config.enabled) return;
  const perIp = new FixedWindowLimiter(opts.config.perIpPerMinute);
  const perClient = new FixedWindowLimiter(opts.config.perClientPerMinute);
  // Callback hooks (no promise per request); a throw (429) is answered as a rejection would be.
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0]!;
    // The built-in Plaid sandbox is this server's own upstream (it calls itself from loopback); it
    // checks Plaid keys on every request instead.
    if (!UNLIMITED_PATHS.has(path) && !path.startsWith('/sandbox/plaid/')) apply(reply, perIp, request.ip);
    done();
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.client) apply(reply, perClient, request.client.id);
    done();
  });
});
