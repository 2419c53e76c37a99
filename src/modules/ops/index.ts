// Operations: the business gauges workers refresh for /metrics, and the counters fed by other
// modules' outcomes. Probes and readiness are registered by app.ts (registerOpsRoutes).
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { BusinessMetrics } from './business-metrics.ts';

const gauges = new WeakMap<AppContext, BusinessMetrics>();

function opsJobs(ctx: AppContext): void {
  const business = new BusinessMetrics(ctx, ctx.metrics);
  gauges.set(ctx, business);
  ctx.jobs.every({
    name: 'metrics-refresh',
    intervalMs: ctx.config.ops.metrics.refreshMs,
    run: () => business.refresh(),
  });
  ctx.ach.onUpdate(async (update) => void ctx.metrics.achResolved.inc({ status: update.status }));
  ctx.payouts.onUpdate(async (update) => void ctx.metrics.payoutUpdates.inc({ status: update.status }));
}

// No refresh at start: the first comes one interval later, so a test app with workers does not start
// the sandbox chains just to read the hot wallet's balance.
export const opsModule: Module = { name: 'ops', jobs: opsJobs };

/** Refreshes the gauges now (tests, and `/metrics` right after a journey). */
export async function refreshBusinessMetrics(ctx: AppContext): Promise<void> {
  await gauges.get(ctx)?.refresh();
}
