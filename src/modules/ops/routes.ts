// Liveness and readiness for load balancers and orchestrators. `/readyz` checks what this process
// itself needs (database, migrations, not shutting down); `/readyz?full=1` also asks the external rails
// whether they answer — Plaid (one /transfer/event/list through the official client, bounded by
// READY_PLAID_TIMEOUT_MS) — for monitoring: a rail being down makes it 503 too, so do not point a load
// balancer at the full check.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { migrationsApplied } from '../../db/migrate.ts';
import { Obj } from '../../lib/schema.ts';

export const READY_PLAID_TIMEOUT_MS = 3_000;

/** Whether Plaid answers, within the bound: 'ok (N ms)' or what went wrong. */
async function plaidCheck(ctx: AppContext): Promise<{ ok: boolean; text: string }> {
  if (ctx.config.ach.provider !== 'plaid') return { ok: true, text: 'not used (ONRAMP_ACH_PROVIDER=none)' };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READY_PLAID_TIMEOUT_MS} ms`)),
      READY_PLAID_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([ctx.ach.ping(), timeout]);
    return { ok: true, text: `ok (${Math.round(performance.now() - started)} ms)` };
  } catch (error) {
    return { ok: false, text: `unreachable: ${(error as Error).message.slice(0, 200)}` };
  } finally {
    clearTimeout(timer);
  }
}

export function registerOpsRoutes(app: App, ctx: AppContext, state: { shuttingDown: boolean }): void {
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        hide: true,
        querystring: Obj({ full: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true')])) }),
      },
    },
    async (request, reply) => {
      const checks: Record<string, string> = {};
      try {
        checks.database = 'ok';
        checks.migrations = (await migrationsApplied(ctx.db)) ? 'ok' : 'pending';
      } catch (error) {
        checks.database = `unreachable: ${(error as Error).message}`;
      }
      if (state.shuttingDown) checks.shutdown = 'in progress';
      let ready = checks.database === 'ok' && checks.migrations === 'ok' && !state.shuttingDown;
      if ((request.query as { full?: string }).full !== undefined) {
        const plaid = await plaidCheck(ctx);
        checks.plaid = plaid.text;
        ready &&= plaid.ok;
      }
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
}
