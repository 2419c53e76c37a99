// Prometheus metrics: HTTP requests by OpenAPI path, process metrics, and the business instruments
// modules record through ctx.metrics (webhook attempts, payout updates, ACH outcomes) beside the gauges
// a worker reads from the database (src/modules/ops/business-metrics.ts). /metrics is not public:
// a bearer token (ONRAMP_METRICS_TOKEN), a separate listener (ONRAMP_METRICS_PORT), or, in sandbox mode
// with neither, loopback clients only. docs/operations.md lists every metric.
import http from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { AppError } from '../errors/app-error.ts';
import { safeEqual } from '../lib/crypto.ts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The process's registry and every instrument in it; one per app (ctx.metrics). */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'onramp_http_requests_total',
    help: 'HTTP requests by method, route (OpenAPI path) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'onramp_http_request_duration_seconds',
    help: 'HTTP request latency by method, route (OpenAPI path) and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'onramp_webhook_attempts_total',
    help: 'Webhook delivery attempts by registration and outcome (success, failure)',
    labelNames: ['webhook_id', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly webhookLatency = new Histogram({
    name: 'onramp_webhook_attempt_duration_seconds',
    help: 'Time until a webhook receiver answered (or the attempt failed), by registration',
    labelNames: ['webhook_id'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });
  readonly payoutUpdates = new Counter({
    name: 'onramp_payout_updates_total',
    help: 'Payout outcomes handed to subscribers (SUBMITTED, CONFIRMED, FAILED), by network (at least once)',
    labelNames: ['network', 'status'] as const,
    registers: [this.registry],
  });
  readonly achResolved = new Counter({
    name: 'onramp_ach_debits_resolved_total',
    help: 'ACH debits that settled or were returned, by outcome (SETTLED, RETURNED)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  /** Read at scrape time from the pool's own counters (a handful of integers). */
  private poolCounts: PoolCounts | undefined;
  readonly dbPool = new Gauge({
    name: 'onramp_db_pool_connections',
    help: 'Database connections of this process by state (max, total, idle, waiting = requests queued for one)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const counts = this.poolCounts?.();
      if (!counts) return;
      for (const [state, value] of Object.entries(counts)) if (value !== undefined) this.dbPool.set({ state }, value);
    },
  });

  constructor(poolCounts?: PoolCounts) {
    this.poolCounts = poolCounts;
    collectDefaultMetrics({ register: this.registry, prefix: 'onramp_' });
  }
}

export type PoolCounts = () => { max: number; total: number; idle?: number; waiting?: number } | undefined;

/** `/v1/users/:userId(^[^:]+)::calculateAchLimits` → `/v1/users/{userId}:calculateAchLimits`, as in /v1/api-docs. */
export function openapiPath(url: string): string {
  return url
    .replaceAll('::', '\u0000')
    .replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}')
    .replaceAll('\u0000', ':');
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Who may read /metrics (and /readyz?full=1) on the API port: the token's bearer, else loopback clients. */
export function checkMetricsAccess(request: FastifyRequest, config: Config): void {
  const { token } = config.ops.metrics;
  if (token !== undefined) {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined)
      throw new AppError('MISSING_AUTHORIZATION', {
        message: 'GET /metrics needs Authorization: Bearer <ONRAMP_METRICS_TOKEN>',
      });
    if (!safeEqual(given, token))
      throw new AppError('INVALID_AUTHORIZATION', { message: 'The metrics token is not valid' });
    return;
  }
  // The socket's own peer, not X-Forwarded-For: a proxied request is never "local".
  if (!LOOPBACK.has(request.raw.socket.remoteAddress ?? '') || request.headers['x-forwarded-for'] !== undefined)
    throw new AppError('NOT_FOUND_ENDPOINT');
}

/** Where /metrics is served: `api` (the API port), `port` (ONRAMP_METRICS_PORT) or `off`. */
export function metricsPlacement(config: Config): 'api' | 'port' | 'off' {
  const { token, port } = config.ops.metrics;
  if (port !== undefined) return 'port';
  // Production without a token would be loopback-only, which a reverse proxy on the same host defeats.
  if (config.mode === 'production' && token === undefined) return 'off';
  return 'api';
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export const metricsPlugin = fp(async function metricsPlugin(
  app: FastifyInstance,
  opts: { metrics: Metrics; config: Config },
) {
  const { metrics, config } = opts;
  // The route's label, computed once per route (the routes are a fixed set).
  const routes = new Map<string, string>();
  const routeLabel = (url: string) => {
    let label = routes.get(url);
    if (label === undefined) {
      label = openapiPath(url);
      routes.set(url, label);
    }
    return label;
  };
  // A callback hook (no promise per request).
  app.addHook('onResponse', (request, reply, done) => {
    // The OpenAPI path keeps label cardinality bounded and reads as the API reference does.
    const url = request.routeOptions.url;
    const route = url === undefined ? 'unmatched' : routeLabel(url);
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    // One line per request; probes only at debug, so a load balancer's polling is not the log.
    const level = url !== undefined && PROBES.has(url) ? 'debug' : 'info';
    request.log[level](
      {
        method: request.method,
        route,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        client: request.client?.id,
      },
      'request',
    );
    done();
  });

  if (metricsPlacement(config) !== 'api') return;
  app.get(
    '/metrics',
    { config: { auth: 'public', tag: 'Operations' }, schema: { hide: true } },
    async (request, reply) => {
      checkMetricsAccess(request, config);
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
});

/**
 * The separate metrics listener (ONRAMP_METRICS_PORT, on ONRAMP_METRICS_HOST): GET /metrics only, with
 * the bearer token when one is set. Returns a function that closes it.
 */
export async function startMetricsServer(metrics: Metrics, config: Config, log: Logger): Promise<() => Promise<void>> {
  const { port, host, token } = config.ops.metrics;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token !== undefined && (given === undefined || !safeEqual(given, token))) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => {
        log.error({ err: error }, 'metrics: collecting failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  log.info(
    { metrics: typeof address === 'object' && address ? `${address.address}:${address.port}` : address },
    'metrics listener',
  );
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
