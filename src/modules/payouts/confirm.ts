// Follows a submitted transaction until it has the network's confirmations: CONFIRMED on a successful
// receipt, FAILED on a reverted one. A transaction the node no longer knows (dropped from its pool) is
// re-broadcast with the same bytes. Polling is a chain of delayed jobs, bounded by a time limit.
import { TransactionReceiptNotFoundError, type Hash, type Hex, type TransactionReceipt } from 'viem';
import type { AppContext } from '../../context.ts';
import { CONFIRM_QUEUE } from './queues.ts';
import { getPayout, type PayoutRow } from './repository.ts';
import { broadcastRaw, knownOnChain } from './broadcaster.ts';
import { enqueueUpdate } from './updates.ts';

export async function confirmPayout(ctx: AppContext, id: string): Promise<void> {
  const row = await getPayout(ctx.db, id);
  if (row?.status !== 'SUBMITTED') return;
  const client = ctx.chains.publicClient(row.network);
  const hash = row.tx_hash as Hash;
  let receipt: TransactionReceipt | undefined;
  try {
    receipt = await client.getTransactionReceipt({ hash });
  } catch (error) {
    if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
  }
  if (!receipt) {
    if (!(await knownOnChain(ctx, row.network, hash))) {
      const outcome = await broadcastRaw(ctx, row.network, row.raw_tx as Hex);
      ctx.log.warn(
        { payoutId: row.id, network: row.network, txHash: hash, outcome: outcome.kind },
        'payout transaction unknown to the node; broadcast again',
      );
    }
    return pollAgain(ctx, row);
  }
  const latest = await client.getBlockNumber({ cacheTime: 0 });
  const confirmations = latest - receipt.blockNumber + 1n;
  if (confirmations < BigInt(ctx.chains.confirmations(row.network))) return pollAgain(ctx, row);
  await finish(ctx, row, receipt);
}

async function finish(ctx: AppContext, row: PayoutRow, receipt: TransactionReceipt): Promise<void> {
  const now = ctx.clock.now();
  const ok = receipt.status === 'success';
  const failure = ok
    ? undefined
    : { code: 'TRANSACTION_REVERTED', message: `transaction ${row.tx_hash} reverted in block ${receipt.blockNumber}` };
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('payouts')
      .set({
        status: ok ? 'CONFIRMED' : 'FAILED',
        block_number: receipt.blockNumber,
        finished_at: now,
        updated_at: now,
        last_error: failure?.message ?? null,
        failure_code: failure?.code ?? null,
        failure_message: failure?.message ?? null,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'SUBMITTED')
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return;
    await enqueueUpdate(ctx, trx, {
      id: row.id,
      status: ok ? 'CONFIRMED' : 'FAILED',
      transactionHash: row.tx_hash!,
      ...(failure ? { failureReason: failure } : {}),
    });
  });
  if (!ok)
    ctx.log.error({ payoutId: row.id, network: row.network, txHash: row.tx_hash }, 'payout transaction reverted');
}

async function pollAgain(ctx: AppContext, row: PayoutRow): Promise<void> {
  const cfg = ctx.config.payout;
  const waitedSeconds = (ctx.clock.now().getTime() - (row.submitted_at ?? row.created_at).getTime()) / 1000;
  if (waitedSeconds > cfg.confirmTimeoutSeconds) {
    const reason = `no ${ctx.chains.confirmations(row.network)} confirmation(s) after ${Math.round(waitedSeconds)} s; no longer polled (\`onramp payouts retry ${row.id}\` resumes)`;
    await ctx.db
      .updateTable('payouts')
      .set({ last_error: reason, updated_at: ctx.clock.now() })
      .where('id', '=', row.id)
      .where('status', '=', 'SUBMITTED')
      .execute();
    ctx.log.error({ payoutId: row.id, network: row.network, txHash: row.tx_hash }, reason);
    return;
  }
  await ctx.jobs.send(CONFIRM_QUEUE, { id: row.id }, { startAfter: cfg.confirmPollSeconds });
}
