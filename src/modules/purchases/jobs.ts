// The purchase's job queue and its subscriptions to ACH outcomes and payout updates.
import type { AppContext } from '../../context.ts';
import { advancePurchase } from './advance-purchase.ts';
import { PROCESS_QUEUE } from './queues.ts';
import { onAchUpdate, onPurchasePayoutUpdate } from './settlement.ts';

export function definePurchaseJobs(ctx: AppContext): void {
  ctx.jobs.define<{ id: string }>({
    name: PROCESS_QUEUE,
    // An unreachable ACH provider or price feed: retried with back-off, a bounded number of times; a
    // purchase still PENDING after that shows in the purchases_open index for an operator.
    retryLimit: 8,
    retryDelaySeconds: 2,
    retryBackoff: true,
    localConcurrency: 2,
    batchSize: 5,
    handler: async (job) => advancePurchase(ctx, job.data.id),
  });
  ctx.ach.onUpdate((update, trx) => onAchUpdate(ctx, update, trx));
  ctx.payouts.onUpdate((update) => onPurchasePayoutUpdate(ctx, update));
}

/**
 * At start, with workers: every paid purchase still owed a refund gets its job again (one whose job
 * gave up, or marked by a migration), so none waits for an operator to notice. Bounded.
 */
export async function resumePurchaseRefunds(ctx: AppContext): Promise<void> {
  const owed = await ctx.db
    .selectFrom('purchases')
    .select('id')
    .where('refund_state', '=', 'REQUIRED')
    .where('ach_state', '=', 'SETTLED')
    .orderBy('updated_at')
    .limit(1000)
    .execute();
  for (const { id } of owed) await ctx.jobs.send(PROCESS_QUEUE, { id });
}
