// Payout outcomes for other modules (purchase): SUBMITTED with the hash, then CONFIRMED or FAILED.
// Each change enqueues an update job in the transaction that makes it, so a subscriber hears of a
// transition iff it committed; the job hands it to every ctx.payouts.onUpdate() subscriber (at least once).
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';

export interface PayoutUpdate {
  id: string;
  status: 'SUBMITTED' | 'CONFIRMED' | 'FAILED';
  transactionHash?: string;
  failureReason?: { code: string; message: string };
}

export type PayoutUpdateHandler = (update: PayoutUpdate) => Promise<void>;

export const UPDATE_QUEUE = 'delivery-update';

export async function enqueueUpdate(ctx: AppContext, trx: Executor, update: PayoutUpdate): Promise<void> {
  await ctx.jobs.send(UPDATE_QUEUE, update, { trx });
}
