// The purchase job: looks at where a purchase stands and takes the next step, each external call
// (ACH provider, price feed) made outside any transaction and its outcome recorded with a
// conditional update. Safe to run any number of times: a step already taken is skipped.
//
//   ach PENDING          → originate the debit. The originator's risk check may refuse it: both legs
//                          fail and the user is flagged F1004. Accepted: INSTANT requests payout at once.
//   STANDARD, SETTLED    → re-quote at today's rate and request payout
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { formatUsd } from '../../lib/money.ts';
import { AchDebitRejectedError } from '../ach/index.ts';
import { getBankForDebit } from '../banks/repository.ts';
import type { CryptoCurrency } from '../config/routes.ts';
import { sendTemplatedEmail } from '../emails/index.ts';
import { quoteAch } from '../estimates/quote.ts';
import { setFlag } from '../flags/index.ts';
import { voidInitiated } from './journals.ts';
import { findPurchase, movePurchase, syncActivity, type PurchaseRow } from './repository.ts';

export async function advancePurchase(ctx: AppContext, id: string): Promise<void> {
  let p = await findPurchase(ctx.db, id);
  if (!p) return;
  if (p.ach_state === 'PENDING') {
    await originate(ctx, p);
    p = (await findPurchase(ctx.db, id))!;
  }
  if (p.ach_type === 'STANDARD' && p.ach_state === 'SETTLED' && p.payout_state === 'WAITING')
    await payOutStandard(ctx, p);
}

/** Fails a purchase whose debit was never made: nothing moved, the journal is voided. */
async function cancel(
  ctx: AppContext,
  p: PurchaseRow,
  why: { risk: boolean; reason: string; failureReason: string },
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
    await syncActivity(ctx, trx, moved, { metadata: { failureReason: why.failureReason } }, now);
  });
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
  // Idempotent on id: a retry after a crash between this call and the commit below gets the same
  // debit back, never a second one.
  let debit: { providerRef: string; expectedSettlementDate: string };
  try {
    debit = await ctx.ach.originateDebit({
      id: p.id,
      amountCents: p.amount_cents,
      routingNumber: bank.routingNumber,
      accountNumber: bank.accountNumber,
      accountName: bank.accountName,
      speed: p.ach_type,
    });
  } catch (error) {
    if (!(error instanceof AchDebitRejectedError)) throw error;
    const risk = error.reason === 'RISK';
    await cancel(ctx, p, { risk, reason: error.message, failureReason: risk ? 'RISK_REJECTED' : 'ACH_REJECTED' });
    return;
  }
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
    if (instant) await request(ctx, trx, moved, BigInt(moved.payout_amount_minor!));
    const item = await syncActivity(
      ctx,
      trx,
      moved,
      { metadata: { expectedSettlementDate: debit.expectedSettlementDate } },
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

async function request(ctx: AppContext, trx: Executor, p: PurchaseRow, amountMinor: bigint): Promise<void> {
  await ctx.payouts.request(trx, {
    id: p.id,
    network: p.network,
    asset: p.asset,
    toAddress: p.to_address,
    amountMinor,
  });
}

/** STANDARD after settlement: the rate and network fee are fixed now, when the transfer is broadcast. */
async function payOutStandard(ctx: AppContext, p: PurchaseRow): Promise<void> {
  const activity = await ctx.db
    .selectFrom('activity_items')
    .select(['crypto_currency'])
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  const quote = await quoteAch(ctx, {
    currency: activity.crypto_currency as CryptoCurrency,
    paymentType: 'STANDARD',
    fiatAmount: formatUsd(p.amount_cents),
  });
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
