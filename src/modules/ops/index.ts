// Operations: the business gauges workers refresh for /metrics, and the counters fed by other
// modules' outcomes. Probes and readiness are registered by app.ts (registerOpsRoutes).
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { BusinessMetrics } from './business-metrics.ts';

// This module's own gauges per app, read by nothing else (refreshBusinessMetrics is for tests): not a
// service, so not on the context.
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

// No refresh at start: the first comes one interval later. (The hot-wallet gauges skip sandbox chains
// that have not started, so a refresh does not start them either.)
// After the modules that act on ACH and payout outcomes: a handler that throws rolls its outcome back
// (ACH) or has it retried, and a counter that ran first would count it twice.
export const opsModule: Module = { name: 'ops', after: ['purchases'], jobs: opsJobs };

/** Refreshes the gauges now (tests, and `/metrics` right after a journey). */
export async function refreshBusinessMetrics(ctx: AppContext): Promise<void> {
  await gauges.get(ctx)?.refresh();
}
