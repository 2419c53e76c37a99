// Rate limits: per IP before authentication (so guessing secrets is throttled) and per client after
// it. Answers 429 RATE_LIMITED with Retry-After and the draft-standard RateLimit-* headers.
// Counters live in each process's memory: with N API processes a client gets up to N times the
// limit. The limits that protect security (OTP sends and tries) are kept in the database instead.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors/app-error.ts';

const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function exceeded(_req: FastifyRequest, context: { max: number; ttl: number }) {
  const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
  return new AppError('RATE_LIMITED', {
    message: `Rate limit of ${context.max} requests per minute exceeded; retry in ${seconds} s`,
    data: { limit: context.max, retryAfterSeconds: seconds },
  });
}

export const rateLimitPlugin = fp(async function rateLimitPlugin(app: FastifyInstance, opts: { config: Config['rateLimit'] }) {
  await app.register(rateLimit, { global: false, enableDraftSpec: true });
  if (!opts.config.enabled) return;
  const common = { timeWindow: 60_000, enableDraftSpec: true, errorResponseBuilder: exceeded };
  app.addHook('onRequest', app.rateLimit({
    ...common,
    max: opts.config.perIpPerMinute,
    keyGenerator: (req) => `ip:${req.ip}`,
    allowList: (req) => UNLIMITED_PATHS.has(req.url.split('?')[0]!),
  }));
  app.addHook('preHandler', app.rateLimit({
    ...common,
    max: opts.config.perClientPerMinute,
    keyGenerator: (req) => `client:${req.client?.id ?? 'none'}`,
    allowList: (req) => req.client === null,
  }));
});
