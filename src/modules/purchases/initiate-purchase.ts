// POST /v1/users/{userId}/banks/{bankId}/ach: checks that the user may buy (flags, KYC, bank, wallet),
// quotes the purchase (outside any transaction: prices and gas are external reads), then in one
// transaction — with the user row locked, so concurrent purchases are checked one after another —
// checks the limits against the ledger and records the purchase, its activity item (both legs
// PENDING), its ledger journal, the ACTIVITY_UPDATED event and the job that carries it on.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Executor } from '../../db/index.ts';
import type { NewRow } from '../../db/schema.ts';
import { newId } from '../../lib/crypto.ts';
import { findActivity, toActivityItem, type ActivityItem } from '../activity/repository.ts';
import { getBankForDebit } from '../banks/repository.ts';
import { ASSETS, type CryptoCurrency } from '../../lib/assets.ts';
import { quoteAch } from '../estimates/quote.ts';
import { assertKycApproved } from '../kyc/require-approved.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { findUserWallet } from '../wallets/repository.ts';
import { toWallet } from '../wallets/view.ts';
import { journalInitiated } from './journals.ts';
import { achUsage, assertFits } from './limits.ts';
import { PROCESS_QUEUE } from './queues.ts';
import { insertPurchase, lockUser } from './repository.ts';
import type { AchType } from './tables.ts';

export interface InitiateAchInput {
  fiatAmount: string;
  cryptoCurrency: CryptoCurrency;
  walletId: string;
  type: AchType;
}

export interface InitiatePurchaseContext {
  userId: string;
  clientId: string;
  bankId: string;
  deviceFingerprint: Record<string, unknown> | null;
  /** The id to give the purchase (derived from the Idempotency-Key), so a re-run finds the first run's. */
  purchaseId?: string | undefined;
}

/** The bank to debit: the user's, ACTIVE and APPROVED, or the documented error. */
async function debitableBank(ctx: AppContext, userId: string, bankId: string) {
  const bank = await getBankForDebit(ctx, userId, bankId);
  if (!bank)
    throw new AppError('NOT_FOUND_BANK', {
      message: `No bank account ${bankId} for this user`,
      data: { field: 'bankId' },
    });
  if (bank.status !== 'ACTIVE') {
    throw new AppError('PLAID_LOGIN_ERROR', {
      message: `The bank account's linkStatus is ${bank.status}; it must be ACTIVE to be debited (repair it with banks/{bankId}:requestLink)`,
      data: { field: 'bankId', linkStatus: bank.status },
    });
  }
  if (bank.verificationStatus !== 'APPROVED') {
    throw new AppError('BANK_VERIFICATION_INCOMPLETE', {
      message: `The bank account's verificationStatus is ${bank.verificationStatus}; it must be APPROVED to be debited`,
      data: { field: 'bankId', verificationStatus: bank.verificationStatus },
    });
  }
  return bank;
}

/** The user's wallet that receives `currency`, or the documented error. */
async function deliverableWallet(db: Executor, userId: string, walletId: string, currency: CryptoCurrency) {
  const wallet = await findUserWallet(db, userId, walletId.toLowerCase());
  if (!wallet)
    throw new AppError('NOT_FOUND_WALLET', {
      message: `No wallet ${walletId} for this user`,
      data: { field: 'walletId' },
    });
  const asset = ASSETS[currency];
  // Every supported currency lives on an EVM network; an EVM address receives on all of them.
  if ((wallet.type as string) !== 'EVM') {
    throw new AppError('UNSUPPORTED_CRYPTO_CURRENCY', {
      message: `\`cryptoCurrency\` ${currency} (on ${asset.network}) cannot be delivered to a ${String(wallet.type)} wallet`,
      data: { field: 'cryptoCurrency', walletType: wallet.type, network: asset.network },
    });
  }
  return wallet;
}

interface PurchaseFacts {
  id: string;
  who: InitiatePurchaseContext;
  input: InitiateAchInput;
  quote: Awaited<ReturnType<typeof quoteAch>>;
  bank: Awaited<ReturnType<typeof debitableBank>>;
  wallet: Awaited<ReturnType<typeof deliverableWallet>>;
  now: Date;
}

/** The activity item and the purchase row a new purchase starts with, both PENDING. */
function purchaseRows({
  id,
  who,
  input,
  quote,
  bank,
  wallet,
  now,
}: PurchaseFacts): [NewRow<'activity_items'>, NewRow<'purchases'>] {
  const userId = who.userId;
  const asset = ASSETS[input.cryptoCurrency];
  const bankAccount = {
    id: bank.bankId,
    name: bank.accountName,
    mask: bank.accountMask,
    linkStatus: bank.status,
    verificationStatus: bank.verificationStatus,
  };
  return [
    {
      id,
      user_id: userId,
      client_id: who.clientId,
      kind: 'ACH_PURCHASE',
      created_at: now,
      updated_at: now,
      fiat_status: 'PENDING',
      fiat_currency: 'USD',
      fiat_amount_cents: quote.totalCents,
      fiat_direction: 'CREDIT',
      funding_method: quote.fundingMethod,
      bank_id: bank.bankId,
      bank_account: JSON.stringify(bankAccount),
      crypto_status: 'PENDING',
      crypto_currency: input.cryptoCurrency,
      crypto_direction: 'DEBIT',
      wallet_id: wallet.id,
      wallet: JSON.stringify(toWallet(wallet)),
      crypto_amount_minor: quote.cryptoAmountMinor.toString(),
      // INSTANT is sent at the quoted rate; STANDARD is re-quoted when the debit settles.
      crypto_amount_estimated: input.type === 'STANDARD',
      price_cents: quote.priceCents,
      fee_cents: quote.feeCents,
      network_fee_cents: quote.networkFeeCents,
      metadata: JSON.stringify({
        achType: input.type,
        network: asset.network,
        ...(input.type === 'INSTANT' ? { rateFixedTime: now.toISOString() } : {}),
      }),
    },
    {
      id,
      user_id: userId,
      client_id: who.clientId,
      bank_id: bank.bankId,
      wallet_id: wallet.id,
      ach_type: input.type,
      network: asset.network,
      asset: asset.symbol === 'ETH' ? 'ETH' : 'USDC',
      to_address: wallet.address,
      amount_cents: quote.totalCents,
      created_at: now,
      updated_at: now,
      risk_state: 'PENDING',
      ach_state: 'PENDING',
      payout_state: 'WAITING',
      device_fingerprint: who.deviceFingerprint ? JSON.stringify(who.deviceFingerprint) : null,
    },
  ];
}

export async function initiatePurchase(
  ctx: AppContext,
  who: InitiatePurchaseContext,
  input: InitiateAchInput,
): Promise<{ activityItem: ActivityItem }> {
  const { userId } = who;
  if (ctx.config.ach.provider === 'none') {
    throw new AppError('NOT_IMPLEMENTED', {
      message:
        'No ACH provider is configured on this server (ONRAMP_ACH_PROVIDER=none): purchases by ACH are not available',
      data: { reason: 'ACH_PROVIDER_NONE' },
    });
  }
  await assertFlagsAllow(ctx.db, userId, 'BUY');
  await assertKycApproved(ctx, userId);

  const bank = await debitableBank(ctx, userId, who.bankId);
  const wallet = await deliverableWallet(ctx.db, userId, input.walletId, input.cryptoCurrency);

  const id = who.purchaseId ?? newId();
  const earlier = await findActivity(ctx.db, userId, id);
  if (earlier) return { activityItem: toActivityItem(earlier) };
  const quote = await quoteAch(ctx, {
    currency: input.cryptoCurrency,
    paymentType: input.type,
    fiatAmount: input.fiatAmount,
  });
  const now = ctx.clock.now();

  const item = await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, userId))) throw new AppError('NOT_FOUND_USER', { data: { field: 'userId' } });
    // A re-run of the same Idempotency-Key (its first process died after committing) finds its purchase.
    const again = await findActivity(trx, userId, id);
    if (again) return toActivityItem(again);
    // A flag set (a return, a risk rejection) between the first check and the lock still counts.
    await assertFlagsAllow(trx, userId, 'BUY');
    // So does the wallet being removed meanwhile (removals take the same lock).
    await deliverableWallet(trx, userId, input.walletId, input.cryptoCurrency);
    assertFits(ctx.config.product.limits, await achUsage(trx, userId, now), input.type, quote.totalCents);

    const row = await insertPurchase(trx, ...purchaseRows({ id, who, input, quote, bank, wallet, now }));
    await journalInitiated(trx, { id, userId, type: input.type, amountCents: quote.totalCents }, now);
    const activityItem = toActivityItem(row);
    await ctx.events.publish(trx, { userId, type: 'ACTIVITY_UPDATED', data: activityItem });
    await ctx.jobs.send(PROCESS_QUEUE, { id }, { trx });
    return activityItem;
  });
  return { activityItem: item };
}
