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
