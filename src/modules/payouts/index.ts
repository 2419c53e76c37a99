// On-chain payouts: other modules call ctx.payouts.request() inside their transaction and hear back
// through ctx.payouts.onUpdate(). Everything else (nonces, signing, broadcast, confirmations, crash
// recovery) happens in this module's jobs. docs/payouts.md explains the state machine.
import type { AppContext } from '../../context.ts';
import { NETWORKS, type Network } from '../../chains/networks.ts';
import type { Module } from '../index.ts';
import { confirmPayout } from './confirm.ts';
import { CONFIRM_QUEUE, SEND_QUEUE } from './queues.ts';
import { ensureSender, networksWithSenderWork, submittedIds } from './repository.ts';
import { runBroadcaster } from './broadcaster.ts';
import { UPDATE_QUEUE, type PayoutUpdate } from './updates.ts';

export {
  PayoutService,
  PayoutRequestError,
  type PayoutRequest,
  type PayoutRequested,
} from './request-payout.ts';
export type { PayoutUpdate, PayoutUpdateHandler } from './updates.ts';
export type { PayoutStatus, PayoutAsset } from './tables.ts';

function defineQueues(ctx: AppContext): void {
  ctx.jobs.define<{ network: Network }>({
    name: SEND_QUEUE,
    // An unreachable node or database: retried, backing off, a bounded number of times.
    retryLimit: 12,
    retryDelaySeconds: 1,
    retryBackoff: true,
    localConcurrency: 2,
    expireInSeconds: 600,
    handler: async (job) => runBroadcaster(ctx, job.data.network),
  });
  ctx.jobs.define<{ id: string }>({
    name: CONFIRM_QUEUE,
    retryLimit: 10,
    retryDelaySeconds: 2,
    retryBackoff: true,
    localConcurrency: 4,
    batchSize: 10,
    handler: async (job) => confirmPayout(ctx, job.data.id),
  });
  ctx.jobs.define<PayoutUpdate>({
    name: UPDATE_QUEUE,
    retryLimit: 10,
    retryDelaySeconds: 2,
    retryBackoff: true,
    // One worker, jobs in creation order: subscribers hear SUBMITTED before CONFIRMED (a retried
    // failure can still reorder them; statuses only move forward, so a late SUBMITTED is ignorable).
    localConcurrency: 1,
    batchSize: 10,
    handler: async (job) => ctx.payouts.dispatch(job.data),
  });
}

/**
 * At start, with workers: wake the sender of each network that has payouts to sign or signed
 * transactions to (re-)broadcast — it re-broadcasts anything signed but not known to have reached a
 * node, never signing it again — and follow every submitted transaction. A network with neither
 * gets no job: its sender would find nothing to sign or send (its nonce check runs anyway before it
 * signs anything), and in sandbox mode the job would start the chains of an idle server. Each
 * network's sender row is created regardless, as the job did (`onramp payouts list` shows it).
 */
async function reconcileAtStart(ctx: AppContext): Promise<void> {
  for (const network of NETWORKS) await ensureSender(ctx.db, network, ctx.chains.hotWallet(network).address);
  const busy = new Set(await networksWithSenderWork(ctx.db));
  for (const network of NETWORKS) if (busy.has(network)) await ctx.jobs.send(SEND_QUEUE, { network });
  // Bounded so start-up stays quick; the rest still have their (persistent) confirmation jobs.
  for (const id of await submittedIds(ctx.db, 1000)) await ctx.jobs.send(CONFIRM_QUEUE, { id });
}

export const payoutsModule: Module = {
  name: 'payout',
  jobs: defineQueues,
  start: reconcileAtStart,
};
