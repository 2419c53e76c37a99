// What the purchase does when Plaid's events say the debit settled, came back or was refunded (ctx.ach
// subscribers, inside the transaction that records the event), and when the crypto transfer is
// broadcast, confirmed or fails (ctx.payouts subscriber, from a job). Each move is conditional, so a
// repeat is a no-op, and the ledger journal, flag, email and ACTIVITY_UPDATED go in its transaction.
import type { AppContext } from '../../context.ts';
import { formatUsd } from '../../lib/money.ts';
import type { Executor, Tx } from '../../db/index.ts';
import type { AchUpdate } from '../ach/index.ts';
import type { PayoutUpdate } from '../payouts/index.ts';
import { sendTemplatedEmail } from '../emails/index.ts';
import { setFlag, type FlagCode } from '../flags/index.ts';
import {
  confirmInitiated,
  journalOrderCancelled,
  journalPaidOut,
  journalRefundSettled,
  journalReturnedInstant,
  journalReturnedLate,
  journalSettled,
  voidDebit,
  voidInitiated,
  voidRefund,
} from './journals.ts';
import { PROCESS_QUEUE } from './queues.ts';
import { accrueRevenueShare, reverseRevenueShare } from './revenue-share.ts';
import { findPurchase, movePurchase, syncActivity, type PurchaseRow } from './repository.ts';
import { cryptoSent } from './state.ts';

export const ref = (p: PurchaseRow) => ({ id: p.id, userId: p.user_id, type: p.ach_type, amountCents: p.amount_cents });

/**
 * ctx.ach subscriber: runs inside the transaction that records the debit's outcome, so the purchase's
 * move, journals, flag and event commit with it or not at all. No external calls here.
 */
export async function onAchUpdate(ctx: AppContext, update: AchUpdate, trx: Tx): Promise<void> {
  const p = await findPurchase(trx, update.id);
  if (!p) return; // a debit this module did not originate
  switch (update.status) {
    case 'SETTLED':
      return settled(ctx, trx, p);
    case 'RETURNED':
      return update.afterSettlement ? returnedLate(ctx, trx, p, update) : returned(ctx, trx, p, update);
    case 'FAILED':
      return returned(ctx, trx, p, update);
    case 'REFUND_SETTLED':
    case 'REFUND_FAILED':
      return refundOutcome(ctx, trx, p, update);
    default:
      return assertNever(update.status);
  }
}

async function settled(ctx: AppContext, trx: Tx, p: PurchaseRow): Promise<void> {
  const now = ctx.clock.now();
  const moved = await movePurchase(trx, p.id, { ach: 'SETTLED' }, now);
  if (!moved) return;
  await journalSettled(trx, p.id, now);
  await confirmInitiated(trx, p.id, now);
  await syncActivity(ctx, trx, moved, {}, now);
  // STANDARD: the crypto goes now (the job re-quotes outside any transaction); a refund waiting for
  // the money to arrive goes now too.
  if (moved.ach_type === 'STANDARD' || moved.refund_state === 'REQUIRED')
    await ctx.jobs.send(PROCESS_QUEUE, { id: p.id }, { trx });
}

/** Returned or failed before it settled: the money never arrived. */
async function returned(ctx: AppContext, trx: Tx, p: PurchaseRow, update: AchUpdate): Promise<void> {
  const now = ctx.clock.now();
  // INSTANT: the crypto was requested at origination and counts as sent unless its payout failed.
  const sent = cryptoSent(p.payout_state);
  const moved = await movePurchase(
    trx,
    p.id,
    {
      ach: update.status === 'FAILED' ? 'FAILED' : 'RETURNED',
      ...(p.payout_state === 'WAITING' ? { payout: 'CANCELLED' as const } : {}),
      ...(p.refund_state === 'REQUIRED' || p.refund_state === 'FAILED' ? { refund: 'NOT_NEEDED' as const } : {}),
      set: { ach_return_code: update.returnCode ?? null },
    },
    now,
  );
  if (!moved) return;
  await voidDebit(trx, p.id, now);
  const code = update.returnCode ?? null;
  const why = `purchase ${p.id}: ACH debit ${update.status === 'FAILED' ? 'failed' : 'returned'}${code ? ` (${code})` : ''}`;
  let flag: FlagCode;
  if (sent) {
    // The crypto went and the money never came: the user owes the amount (delinquency).
    await confirmInitiated(trx, p.id, now);
    await journalReturnedInstant(trx, ref(moved), code, now);
    await reverseRevenueShare(trx, p.id, now, 'ACH_RETURNED');
    flag = 'F1000';
  } else {
    await voidInitiated(trx, p.id, now);
    flag = 'F1001';
  }
  await setFlag(trx, { userId: p.user_id, code: flag, reason: why, actor: 'SYSTEM:purchases', now });
  await syncActivity(ctx, trx, moved, { metadata: failureMetadata(update) }, now);
}

/**
 * Returned after it settled (an unauthorized-return code such as R10, up to 60 days later): the money
 * left again. F1002; the loss is owed by the user — unless no crypto went and no refund was paid,
 * in which case the order is simply off.
 */
async function returnedLate(ctx: AppContext, trx: Tx, p: PurchaseRow, update: AchUpdate): Promise<void> {
  const now = ctx.clock.now();
  const refundUnpaid = p.refund_state === 'REQUIRED' || p.refund_state === 'FAILED';
  const moved = await movePurchase(
    trx,
    p.id,
    {
      ach: 'RETURNED_LATE',
      ...(p.payout_state === 'WAITING' ? { payout: 'CANCELLED' as const } : {}),
      ...(refundUnpaid ? { refund: 'NOT_NEEDED' as const } : {}),
      set: { ach_return_code: update.returnCode ?? null },
    },
    now,
  );
  if (!moved) return;
  await journalReturnedLate(trx, ref(moved), update.returnCode ?? null, now);
  await reverseRevenueShare(trx, p.id, now, 'ACH_RETURNED');
  const nothingGone = !cryptoSent(p.payout_state) && (p.refund_state === 'NONE' || refundUnpaid);
  if (nothingGone) await journalOrderCancelled(trx, ref(moved), 'lateReturnReceivable', now);
  const why = `purchase ${p.id}: a settled ACH debit was returned${update.returnCode ? ` (${update.returnCode})` : ''}`;
  await setFlag(trx, { userId: p.user_id, code: 'F1002', reason: why, actor: 'SYSTEM:purchases', now });
  ctx.log.warn({ purchaseId: p.id, returnCode: update.returnCode, loss: !nothingGone }, 'late ACH return');
  await syncActivity(ctx, trx, moved, { metadata: failureMetadata(update, 'ACH_RETURNED_LATE') }, now);
}

function failureMetadata(update: AchUpdate, failureReason?: string): Record<string, unknown> {
  return {
    failureReason: failureReason ?? (update.status === 'FAILED' ? 'ACH_FAILED' : 'ACH_RETURNED'),
    ...(update.returnCode ? { achReturnCode: update.returnCode } : {}),
    ...(update.returnReason ? { achReturnReason: update.returnReason } : {}),
  };
}

async function refundOutcome(ctx: AppContext, trx: Tx, p: PurchaseRow, update: AchUpdate): Promise<void> {
  if (update.refundId !== p.refund_ref) return; // an earlier attempt's late news
  const now = ctx.clock.now();
  const ok = update.status === 'REFUND_SETTLED';
  const moved = await movePurchase(trx, p.id, { refund: ok ? 'SETTLED' : 'FAILED' }, now);
  if (!moved) return;
  if (ok) {
    await journalRefundSettled(trx, update.refundId, now);
    await reverseRevenueShare(trx, p.id, now, 'REFUNDED');
  } else {
    await voidRefund(trx, update.refundId, now);
    ctx.log.error(
      { purchaseId: p.id, refundId: update.refundId, reason: update.returnReason },
      'refund failed: the user has paid and has neither the crypto nor the money (onramp purchases refund retries it)',
    );
  }
  await syncActivity(
    ctx,
    trx,
    moved,
    { metadata: { refund: refundView(moved, ok ? 'COMPLETED' : 'FAILED', now) } },
    now,
  );
}

/** metadata.refund of the activity item: what the partner and the user see of a refund. */
export function refundView(p: PurchaseRow, status: 'PENDING' | 'COMPLETED' | 'FAILED', at: Date) {
  return {
    status,
    currency: 'USD',
    amount: formatUsd(p.amount_cents),
    reason: p.refund_reason,
    updateTime: at.toISOString(),
  };
}

export async function onPurchasePayoutUpdate(ctx: AppContext, update: PayoutUpdate): Promise<void> {
  const p = await findPurchase(ctx.db, update.id);
  if (!p) return; // another module's transfer
  await ctx.db.transaction().execute(async (trx) => {
    if (update.status === 'SUBMITTED') return payoutSubmitted(ctx, trx, p, update);
    if (update.status === 'CONFIRMED') return payoutConfirmed(ctx, trx, p, update);
    return payoutFailed(ctx, trx, p, update);
  });
}

async function payoutSubmitted(ctx: AppContext, trx: Executor, p: PurchaseRow, update: PayoutUpdate): Promise<void> {
  const now = ctx.clock.now();
  const hash = update.transactionHash ?? null;
  const moved = await movePurchase(trx, p.id, { payout: 'SUBMITTED' }, now);
  if (!moved) return;
  const item = await syncActivity(ctx, trx, moved, hash ? { transaction_hash: hash } : {}, now);
  await orderComplete(ctx, trx, moved, item.crypto.amount, item.crypto.currency, hash);
}

async function payoutConfirmed(ctx: AppContext, trx: Executor, p: PurchaseRow, update: PayoutUpdate): Promise<void> {
  const now = ctx.clock.now();
  const hash = update.transactionHash ?? null;
  const moved = await movePurchase(trx, p.id, { payout: 'CONFIRMED' }, now);
  if (!moved) return;
  const activity = await trx.selectFrom('activity_items').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
  // Before the payout journal: the user's receivable, then orders, are locked in the order every other
  // purchase transaction takes them (a purchase being made posts to both), so none can deadlock with this.
  await confirmInitiated(trx, p.id, now);
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
}

/**
 * The transfer failed on chain for good. If the user paid (or still may), the money goes back: the
 * refund is REQUIRED now (in this very update, as the invariant demands) and made once the debit
 * has settled. If the debit already came back, the crypto that counted as sent is taken off what
 * the user owes.
 */
async function payoutFailed(ctx: AppContext, trx: Executor, p: PurchaseRow, update: PayoutUpdate): Promise<void> {
  const now = ctx.clock.now();
  const paying = p.ach_state === 'ORIGINATED' || p.ach_state === 'SETTLED';
  const moved = await movePurchase(
    trx,
    p.id,
    { payout: 'FAILED', ...(paying ? { refund: 'REQUIRED' as const, set: { refund_reason: 'DELIVERY_FAILED' } } : {}) },
    now,
  );
  if (!moved) return;
  ctx.log.error({ purchaseId: p.id, reason: update.failureReason }, 'purchase payout failed on chain');
  if (p.ach_state === 'RETURNED' || p.ach_state === 'FAILED')
    await journalOrderCancelled(trx, ref(moved), 'delinquent', now);
  if (p.ach_state === 'RETURNED_LATE') await journalOrderCancelled(trx, ref(moved), 'lateReturnReceivable', now);
  const item = await syncActivity(ctx, trx, moved, { metadata: { failureReason: 'DELIVERY_FAILED' } }, now);
  await sendTemplatedEmail(ctx, {
    userId: p.user_id,
    template: 'ORDER_FAILED',
    vars: { cryptoCurrency: item.crypto.currency },
    dedupeKey: `order-failed:${p.id}`,
    trx,
  });
  if (paying && p.ach_state === 'SETTLED') await ctx.jobs.send(PROCESS_QUEUE, { id: p.id }, { trx });
}

/** "Order Complete": sent once, when the transfer is broadcast (or confirmed, if that is heard first). */
async function orderComplete(
  ctx: AppContext,
  trx: Executor,
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

function assertNever(value: never): never {
  throw new Error(`unexpected ACH update ${String(value)}`);
}
