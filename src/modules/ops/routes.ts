// Liveness and readiness for load balancers and orchestrators.
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { migrationsApplied } from '../../db/migrate.ts';

export function registerOpsRoutes(app: App, ctx: AppContext, state: { shuttingDown: boolean }): void {
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      checks.database = 'ok';
      checks.migrations = (await migrationsApplied(ctx.db)) ? 'ok' : 'pending';
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
    }
    if (state.shuttingDown) checks.shutdown = 'in progress';
    const ready = checks.database === 'ok' && checks.migrations === 'ok' && !state.shuttingDown;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
