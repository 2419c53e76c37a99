// The partner dashboard (issue 17, docs/dashboard.md): /dashboard serves the front end built from
// dashboard/, /dashboard/api its API (browser session, CSRF token, member roles), and every
// client-authenticated API request is recorded in the client's request log.
import cookie from '@fastify/cookie';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { registerAccessHook } from './access.ts';
import { dashboardOpenApi } from './openapi.ts';
import { foldOnboarding } from './report-queries.ts';
import { deleteOldSessions, deleteOldSignInCodes } from './repository.ts';
import { RequestLogWriter, sweepRequestLog } from './request-log.ts';
import { registerDataRoutes } from './routes-data.ts';
import { registerSessionRoutes } from './routes-session.ts';
import { dashboardSchemas } from './schemas.ts';
import { registerUi } from './ui.ts';

// The dashboard's own request log buffer per app, fed by its onResponse hook and flushed by its tests:
// no other module uses it, so it is not a service on the context.
const writers = new WeakMap<AppContext, RequestLogWriter>();

/** This process's request log writer (tests and benches flush it). */
export function requestLogOf(ctx: AppContext): RequestLogWriter {
  let w = writers.get(ctx);
  if (!w) {
    w = new RequestLogWriter(ctx.db, ctx.config.dashboard.requestLog, ctx.log);
    writers.set(ctx, w);
  }
  return w;
}

const patterns = new Map<string, string>();

/** `/v1/users/:userId(^[^:]+)::calculateAchLimits` → `/v1/users/:userId:calculateAchLimits`, as partners write it. */
export function routePattern(url: string): string {
  let p = patterns.get(url);
  if (p === undefined) {
    p = url.replace(/(:[A-Za-z0-9_]+)\([^)]*\)/g, '$1').replace(/::/g, ':');
    if (patterns.size < 10_000) patterns.set(url, p);
  }
  return p;
}

function registerRequestLog(app: App, ctx: AppContext): void {
  const writer = requestLogOf(ctx);
  // A callback hook (no promise per request): the log must cost the API next to nothing.
  app.addHook('onResponse', (request, reply, done) => {
    const client = request.client;
    const route = request.routeOptions.url;
    if (!client || route === undefined) return done();
    writer.push({
      clientId: client.id,
      at: ctx.clock.now(),
      method: request.method,
      route: routePattern(route),
      status: reply.statusCode,
      latencyUs: Math.round(reply.elapsedTime * 1000),
      requestId: request.id,
      errorCode: request.errorCode,
    });
    done();
  });
  app.addHook('onReady', async () => writer.start());
}

function registerDashboard(app: App, ctx: AppContext): void {
  registerRequestLog(app, ctx);
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope: FastifyInstance) => {
    // The last rows are written before the database closes: a plugin's onClose hooks run before the
    // root's (app.ts closes the database in a root onClose hook).
    scope.addHook('onClose', async () => requestLogOf(ctx).stop());
    await scope.register(cookie);
    registerAccessHook(scope, ctx);
    const routes: RouteOptions[] = [];
    scope.addHook('onRoute', (route) => {
      if (route.url.startsWith('/dashboard/api/')) routes.push(route);
    });
    registerSessionRoutes(scope as unknown as App, ctx);
    registerDataRoutes(scope as unknown as App, ctx);
    scope.get('/dashboard/api/openapi.json', { schema: { hide: true } }, async () =>
      dashboardOpenApi(scope, routes, ctx.config.http.publicUrl),
    );
    await registerUi(scope);
  });
}

function defineDashboardJobs(ctx: AppContext): void {
  ctx.jobs.every({
    name: 'dashboard-retention',
    intervalMs: 10 * 60_000,
    run: async () => {
      const now = ctx.clock.now();
      await sweepRequestLog(ctx.db, ctx.clock, ctx.config.dashboard.requestLog.retentionHours);
      const dayAgo = new Date(now.getTime() - 86_400_000);
      await deleteOldSessions(
        ctx.db,
        dayAgo,
        new Date(dayAgo.getTime() - ctx.config.dashboard.sessionIdleSeconds * 1000),
      );
      await deleteOldSignInCodes(ctx.db, dayAgo);
      // The onboarding change marks (0072) are folded here too, so they do not pile up while no one
      // opens an overview.
      await foldOnboarding(ctx.db);
    },
  });
}

export const dashboardModule: Module = {
  name: 'dashboard',
  schemas: dashboardSchemas,
  routes: registerDashboard,
  jobs: defineDashboardJobs,
};
