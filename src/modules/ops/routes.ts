// Liveness and readiness for load balancers and orchestrators, and the provider checks for operators.
//   GET /healthz           the process is up
//   GET /readyz            the database answers, migrations are applied, not shutting down (cheap)
//   GET /readyz?full=1     the same, plus every provider (chain RPC, Plaid, SMS, email, prices), each
//                          bounded; not public: the metrics token, or a loopback client (as /metrics)
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { migrationsApplied } from '../../db/migrate.ts';
import { checkMetricsAccess } from '../../plugins/metrics.ts';

export function registerOpsRoutes(app: App, ctx: AppContext, state: { shuttingDown: boolean }): void {
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const full = (request.query as Record<string, string | undefined>).full;
    const wantFull = full !== undefined && full !== '0' && full !== 'false';
    if (wantFull) checkMetricsAccess(request, ctx.config);
    const checks: Record<string, string> = {};
    let ready = !state.shuttingDown;
    try {
      checks.database = 'ok';
      checks.migrations = (await migrationsApplied(ctx.db)) ? 'ok' : 'pending';
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
    }
    if (checks.database !== 'ok' || checks.migrations !== 'ok') ready = false;
    if (state.shuttingDown) checks.shutdown = 'in progress';
    let timings: Record<string, number> | undefined;
    if (wantFull) {
      const results = await ctx.readiness.runAll();
      timings = {};
      for (const [name, result] of Object.entries(results)) {
        checks[name] = result.text;
        timings[name] = result.ms;
        if (!result.ok) ready = false;
      }
    }
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks, ...(timings ? { ms: timings } : {}) });
  });
}
