// The purchase job: looks at where a purchase stands and takes the next step, each external call
// (Plaid Transfer, the price feed) made outside any transaction and its outcome recorded with a
// conditional update. Safe to run any number of times: a step already taken is skipped.
//
//   ach PENDING            → originate the debit on Plaid Transfer. A declined authorization is the
//                            risk rejection (both legs FAILED, F1004); user action required or a refused
//                            request fail the purchase without a flag. Originated: INSTANT requests
//                            the payout at once.
//   STANDARD, SETTLED      → re-quote at today's rate and request the payout; a quote refused for good
//                            (the amount no longer covers the network fee or the minimum) → refund
//   refund REQUIRED, paid  → refund the debit through /transfer/refund/create
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { invariant } from '../../lib/invariant.ts';
import { formatUsd } from '../../lib/money.ts';
import { AchDebitRejectedError, AchRefundRefusedError } from '../ach/index.ts';
import { getBankForDebit, plaidDebitAccount } from '../banks/repository.ts';
import type { CryptoCurrency } from '../../lib/assets.ts';
import { sendTemplatedEmail } from '../emails/index.ts';
import { quoteAch } from '../estimates/quote.ts';
import { setFlag } from '../flags/index.ts';
import { journalDebitPending, journalRefundPending, voidInitiated } from './journals.ts';
import { findPurchase, movePurchase, syncActivity, type PurchaseRow } from './repository.ts';
import { ref, refundView } from './settlement.ts';
import { purchaseRuleBroken } from './state.ts';

export async function advancePurchase(ctx: AppContext, id: string): Promise<void> {
  let p = await findPurchase(ctx.db, id);
  if (!p) return;
  if (p.ach_state === 'PENDING') {
    await originate(ctx, p);
    p = (await findPurchase(ctx.db, id))!;
  }
  if (p.ach_type === 'STANDARD' && p.ach_state === 'SETTLED' && p.payout_state === 'WAITING') {
    await payOutStandard(ctx, p);
    p = (await findPurchase(ctx.db, id))!;
  }
  if (p.refund_state === 'REQUIRED' && p.ach_state === 'SETTLED') await refund(ctx, p);
}

/** Fails a purchase whose debit was never made: nothing moved, the journal is voided. */
async function cancel(
  ctx: AppContext,
  p: PurchaseRow,
  why: { risk: boolean; reason: string; failureReason: string; detail?: Record<string, unknown> },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(
      trx,
      p.id,
      {
        ...(why.risk ? { risk: 'REJECTED' as const } : {}),
        ach: 'CANCELLED',
        payout: 'CANCELLED',
        set: { risk_reason: why.reason },
      },
      now,
    );
    if (!moved) return;
    await voidInitiated(trx, p.id, now);
    if (why.risk)
      await setFlag(trx, {
        userId: p.user_id,
        code: 'F1004',
        reason: `purchase ${p.id}: ${why.reason}`,
        actor: 'SYSTEM:purchases',
        now,
      });
    await syncActivity(ctx, trx, moved, { metadata: { failureReason: why.failureReason, ...why.detail } }, now);
  });
}

/** Plaid's answer that nothing was debited, as the purchase shows it. */
function rejectionOf(error: AchDebitRejectedError) {
  switch (error.reason) {
    case 'DECLINED':
      // The documented risk rejection (F1004); Plaid's rationale (RISK, NSF, …) is in the activity.
      return {
        risk: true,
        reason: error.message,
        failureReason: 'RISK_REJECTED',
        detail: { achDecision: { code: error.code, description: error.message } },
      };
    case 'USER_ACTION_REQUIRED':
      return { risk: false, reason: error.message, failureReason: 'BANK_LOGIN_REQUIRED' };
    case 'REFUSED':
      return {
        risk: false,
        reason: error.message,
        failureReason: 'ACH_REJECTED',
        detail: { achErrorCode: error.code },
      };
    default:
      throw new Error(`unexpected ACH rejection ${String(error.reason)}`);
  }
}

async function originate(ctx: AppContext, p: PurchaseRow): Promise<void> {
  const bank = await getBankForDebit(ctx, p.user_id, p.bank_id);
  if (!bank) {
    ctx.log.warn({ purchaseId: p.id, bankId: p.bank_id }, 'purchase cancelled: its bank account no longer exists');
    await cancel(ctx, p, {
      risk: false,
      reason: 'bank account removed before the debit was originated',
      failureReason: 'BANK_UNAVAILABLE',
    });
    return;
  }
  const user = await ctx.db
    .selectFrom('users')
    .select(['first_name', 'middle_name', 'last_name', 'email', 'phone'])
    .where('id', '=', p.user_id)
    .executeTakeFirstOrThrow();
  const plaid = await plaidDebitAccount(ctx, bank.bankId);
  // Idempotent on the purchase id: a retry after a crash anywhere in here gets the same debit back.
  let debit: Awaited<ReturnType<typeof ctx.ach.originateDebit>>;
  try {
    debit = await ctx.ach.originateDebit({
      id: p.id,
      amountCents: p.amount_cents,
      speed: p.ach_type,
      accessToken: plaid.accessToken,
      accountId: plaid.accountId,
      legalName: [user.first_name, user.middle_name, user.last_name].filter(Boolean).join(' '),
      email: user.email,
      phone: user.phone,
    });
  } catch (error) {
    if (!(error instanceof AchDebitRejectedError)) throw error;
    await cancel(ctx, p, rejectionOf(error));
    return;
  }
  await recordOrigination(ctx, p, debit);
}

async function recordOrigination(
  ctx: AppContext,
  p: PurchaseRow,
  debit: { providerRef: string; expectedSettlementDate: string; network: string },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const instant = p.ach_type === 'INSTANT';
    const moved = await movePurchase(
      trx,
      p.id,
      {
        risk: 'APPROVED',
        ach: 'ORIGINATED',
        ...(instant ? { payout: 'REQUESTED' as const } : {}),
        set: {
          ach_provider_ref: debit.providerRef,
          ach_expected_settlement_date: debit.expectedSettlementDate,
          ...(instant ? { payout_amount_minor: await currentAmount(trx, p.id) } : {}),
        },
      },
      now,
    );
    if (!moved) return;
    await journalDebitPending(trx, ref(moved), now);
    if (instant) await request(ctx, trx, moved, BigInt(moved.payout_amount_minor!));
    const item = await syncActivity(
      ctx,
      trx,
      moved,
      { metadata: { expectedSettlementDate: debit.expectedSettlementDate, achNetwork: debit.network } },
      now,
    );
    if (!instant) {
      await sendTemplatedEmail(ctx, {
        userId: p.user_id,
        template: 'ORDER_SUBMITTED',
        vars: {
          fiatAmount: item.fiat.amount,
          cryptoCurrency: item.crypto.currency,
          expectedDate: debit.expectedSettlementDate,
        },
        dedupeKey: `order-submitted:${p.id}`,
        trx,
      });
    }
  });
}

async function currentAmount(trx: Executor, id: string): Promise<string> {
  const row = await trx
    .selectFrom('activity_items')
    .select('crypto_amount_minor')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.crypto_amount_minor;
}

/** Asks ctx.payouts for the crypto, in the transaction that moved the payout to REQUESTED. */
async function request(ctx: AppContext, trx: Executor, p: PurchaseRow, amountMinor: bigint): Promise<void> {
  // The moment the rules that span the machines are about: movePurchase checked them on this move;
  // here they are restated where the crypto is asked for, with the amount the row records.
  invariant(p.payout_state === 'REQUESTED', () => `purchase ${p.id}: payout requested at ${p.payout_state}`);
  const broken = purchaseRuleBroken(p);
  invariant(broken === null, () => `purchase ${p.id}: payout requested, breaking the rule: ${broken}`);
  invariant(
    amountMinor > 0n && p.payout_amount_minor !== null && BigInt(p.payout_amount_minor) === amountMinor,
    () => `purchase ${p.id}: payout of ${amountMinor} requested, the purchase records ${p.payout_amount_minor}`,
  );
  await ctx.payouts.request(trx, {
    id: p.id,
    network: p.network,
    asset: p.asset,
    toAddress: p.to_address,
    amountMinor,
  });
}

/**
 * STANDARD after settlement: the rate and network fee are fixed now, when the transfer is broadcast.
 * A quote refused for good (4xx: the amount no longer covers the network fee, or is below a raised
 * minimum) cancels the payout and refunds the user; an unavailable price feed is retried by the job.
 */
async function payOutStandard(ctx: AppContext, p: PurchaseRow): Promise<void> {
  const activity = await ctx.db
    .selectFrom('activity_items')
    .select(['crypto_currency'])
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  let quote: Awaited<ReturnType<typeof quoteAch>>;
  try {
    quote = await quoteAch(ctx, {
      currency: activity.crypto_currency as CryptoCurrency,
      paymentType: 'STANDARD',
      fiatAmount: formatUsd(p.amount_cents),
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    await requoteRefused(ctx, p, error);
    return;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(
      trx,
      p.id,
      { payout: 'REQUESTED', set: { payout_amount_minor: quote.cryptoAmountMinor.toString() } },
      now,
    );
    if (!moved) return;
    await request(ctx, trx, moved, quote.cryptoAmountMinor);
    await syncActivity(
      ctx,
      trx,
      moved,
      {
        crypto_amount_minor: quote.cryptoAmountMinor.toString(),
        crypto_amount_estimated: false,
        price_cents: quote.priceCents,
        fee_cents: quote.feeCents,
        network_fee_cents: quote.networkFeeCents,
        metadata: { rateFixedTime: now.toISOString() },
      },
      now,
    );
  });
}

async function requoteRefused(ctx: AppContext, p: PurchaseRow, error: AppError): Promise<void> {
  ctx.log.warn({ purchaseId: p.id, code: error.code, reason: error.message }, 'STANDARD re-quote refused: refunding');
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(
      trx,
      p.id,
      { payout: 'CANCELLED', refund: 'REQUIRED', set: { refund_reason: 'REQUOTE_REFUSED' } },
      now,
    );
    if (!moved) return;
    await syncActivity(
      ctx,
      trx,
      moved,
      { metadata: { failureReason: 'REQUOTE_REFUSED', requoteError: { code: error.code, message: error.message } } },
      now,
    );
  });
}

/** Sends the money back (Plaid Transfer refund of the settled debit), then records it. */
async function refund(ctx: AppContext, p: PurchaseRow): Promise<void> {
  let made: Awaited<ReturnType<typeof ctx.ach.refundDebit>>;
  try {
    made = await ctx.ach.refundDebit({ debitId: p.id, amountCents: p.amount_cents });
  } catch (error) {
    if (!(error instanceof AchRefundRefusedError)) throw error;
    await refundRefused(ctx, p, error);
    return;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(trx, p.id, { refund: 'PENDING', set: { refund_ref: made.id } }, now);
    if (!moved) return;
    await journalRefundPending(trx, ref(moved), made.id, made.amountCents, now);
    const item = await syncActivity(ctx, trx, moved, { metadata: { refund: refundView(moved, 'PENDING', now) } }, now);
    await sendTemplatedEmail(ctx, {
      userId: p.user_id,
      template: 'ORDER_REFUNDED',
      vars: {
        fiatAmount: item.fiat.amount,
        cryptoCurrency: item.crypto.currency,
        ...(item.fiat.bankAccount?.mask ? { accountMask: item.fiat.bankAccount.mask } : {}),
      },
      dedupeKey: `order-refunded:${made.id}`,
      trx,
    });
  });
}

async function refundRefused(ctx: AppContext, p: PurchaseRow, error: AchRefundRefusedError): Promise<void> {
  ctx.log.error(
    { purchaseId: p.id, code: error.code, reason: error.message },
    'Plaid refused the refund: the user has paid and has neither the crypto nor the money (onramp purchases refund retries it)',
  );
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(trx, p.id, { refund: 'FAILED' }, now);
    if (!moved) return;
    await syncActivity(
      ctx,
      trx,
      moved,
      { metadata: { refund: { ...refundView(moved, 'FAILED', now), errorCode: error.code } } },
      now,
    );
  });
}
