// What the purchase does when the ACH debit settles or is returned, and when the crypto transfer is
// broadcast, confirmed or fails. Each handler runs in a job (at least once): its conditional state
// move makes a repeat a no-op, and the ledger journal, flag, email and ACTIVITY_UPDATED event go in
// the same transaction as the move.
import type { AppContext } from '../../context.ts';
import type { Tx } from '../../db/index.ts';
import type { AchUpdate } from '../ach/index.ts';
import type { PayoutUpdate } from '../payouts/index.ts';
import { sendTemplatedEmail } from '../emails/index.ts';
import { setFlag } from '../flags/index.ts';
import { confirmInitiated, journalPaidOut, journalReturnedInstant, journalSettled, voidInitiated } from './journals.ts';
import { PROCESS_QUEUE } from './queues.ts';
import { accrueRevenueShare, reverseRevenueShare } from './revenue-share.ts';
import { findPurchase, movePurchase, syncActivity, type PurchaseRow } from './repository.ts';

const ref = (p: PurchaseRow) => ({ id: p.id, userId: p.user_id, type: p.ach_type, amountCents: p.amount_cents });

/**
 * ctx.ach subscriber: runs inside the transaction that records the debit's outcome, so the purchase's
 * move, journals, flag and event commit with it or not at all. No external calls here.
 */
export async function onAchUpdate(ctx: AppContext, update: AchUpdate, trx: Tx): Promise<void> {
  const p = await findPurchase(trx, update.id);
  if (!p) return; // a debit this module did not originate
  if (update.status === 'SETTLED') await settled(ctx, trx, p);
  else await returned(ctx, trx, p, update.returnCode ?? null);
}

async function settled(ctx: AppContext, trx: Tx, p: PurchaseRow): Promise<void> {
  const now = ctx.clock.now();
  const moved = await movePurchase(trx, p.id, { ach: 'SETTLED' }, now);
  if (!moved) return;
  await journalSettled(trx, ref(moved), now);
  await confirmInitiated(trx, p.id, now);
  await syncActivity(ctx, trx, moved, {}, now);
  // STANDARD: the crypto goes now (the job re-quotes outside any transaction).
  if (moved.ach_type === 'STANDARD') await ctx.jobs.send(PROCESS_QUEUE, { id: p.id }, { trx });
}

async function returned(ctx: AppContext, trx: Tx, p: PurchaseRow, returnCode: string | null): Promise<void> {
  const now = ctx.clock.now();
  const instant = p.ach_type === 'INSTANT';
  // STANDARD: the crypto has not been sent and now never will be.
  const moved = await movePurchase(
    trx,
    p.id,
    { ach: 'RETURNED', ...(instant ? {} : { payout: 'CANCELLED' as const }), set: { ach_return_code: returnCode } },
    now,
  );
  if (!moved) return;
  const why = `purchase ${p.id}: ACH debit returned${returnCode ? ` (${returnCode})` : ''}`;
  if (instant) {
    // The crypto was sent: the user owes the amount (delinquency).
    await confirmInitiated(trx, p.id, now);
    await journalReturnedInstant(trx, ref(moved), returnCode, now);
    await reverseRevenueShare(trx, p.id, now, 'ACH_RETURNED');
    await setFlag(trx, { userId: p.user_id, code: 'F1000', reason: why, actor: 'SYSTEM:purchases', now });
  } else {
    await voidInitiated(trx, p.id, now);
    await setFlag(trx, { userId: p.user_id, code: 'F1001', reason: why, actor: 'SYSTEM:purchases', now });
  }
  await syncActivity(
    ctx,
    trx,
    moved,
    { metadata: { failureReason: 'ACH_RETURNED', ...(returnCode ? { achReturnCode: returnCode } : {}) } },
    now,
  );
}

export async function onPurchasePayoutUpdate(ctx: AppContext, update: PayoutUpdate): Promise<void> {
  const p = await findPurchase(ctx.db, update.id);
  if (!p) return; // another module's transfer
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const hash = update.transactionHash ?? null;
    if (update.status === 'SUBMITTED') {
      const moved = await movePurchase(trx, p.id, { payout: 'SUBMITTED' }, now);
      if (!moved) return;
      const item = await syncActivity(ctx, trx, moved, hash ? { transaction_hash: hash } : {}, now);
      await orderComplete(ctx, trx, moved, item.crypto.amount, item.crypto.currency, hash);
      return;
    }
    if (update.status === 'CONFIRMED') {
      const moved = await movePurchase(trx, p.id, { payout: 'CONFIRMED' }, now);
      if (!moved) return;
      const activity = await trx
        .selectFrom('activity_items')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      await journalPaidOut(
        trx,
        {
          ...ref(moved),
          feeCents: activity.fee_cents,
          networkFeeCents: activity.network_fee_cents,
          currency: activity.crypto_currency,
          network: moved.network,
          asset: moved.asset,
          cryptoAmountMinor: BigInt(moved.payout_amount_minor ?? activity.crypto_amount_minor),
        },
        hash,
        now,
      );
      await accrueRevenueShare(trx, p.id, activity.fee_cents, now);
      await confirmInitiated(trx, p.id, now);
      const item = await syncActivity(
        ctx,
        trx,
        moved,
        { crypto_completed_at: now, ...(hash ? { transaction_hash: hash } : {}) },
        now,
      );
      await orderComplete(
        ctx,
        trx,
        moved,
        item.crypto.amount,
        item.crypto.currency,
        hash ?? item.crypto.transactionHash ?? null,
      );
      return;
    }
    const moved = await movePurchase(trx, p.id, { payout: 'FAILED' }, now);
    if (!moved) return;
    ctx.log.error({ purchaseId: p.id, reason: update.failureReason }, 'purchase payout failed on chain');
    const item = await syncActivity(ctx, trx, moved, { metadata: { failureReason: 'DELIVERY_FAILED' } }, now);
    await sendTemplatedEmail(ctx, {
      userId: p.user_id,
      template: 'ORDER_FAILED',
      vars: { cryptoCurrency: item.crypto.currency },
      dedupeKey: `order-failed:${p.id}`,
      trx,
    });
  });
}

/** "Order Complete": sent once, when the transfer is broadcast (or confirmed, if that is heard first). */
async function orderComplete(
  ctx: AppContext,
  trx: Parameters<typeof syncActivity>[1],
  p: PurchaseRow,
  amount: string,
  currency: string,
  hash: string | null,
): Promise<void> {
  if (!hash) return;
  await sendTemplatedEmail(ctx, {
    userId: p.user_id,
    template: 'ORDER_COMPLETE',
    vars: { cryptoAmount: amount, cryptoCurrency: currency, transactionHash: hash, walletAddress: p.to_address },
    dedupeKey: `order-complete:${p.id}`,
    trx,
  });
}
