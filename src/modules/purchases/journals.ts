// What a purchase writes to the ledger, step by step (USD in cents, crypto in its minor units;
// docs/money-movement.md has the whole flow of funds):
//
//   purchase.initiated  PENDING   Dr user:<id>:ach_receivable:<TYPE>   Cr user:<id>:orders
//        at the purchase; posted once it is irrevocable (debit settled, or the crypto sent and the
//        debit returned); voided when it never happens (declined, or returned before any crypto)
//   ach.debit           PENDING   Dr platform:ach_clearing             Cr user:<id>:ach_receivable:<TYPE>
//        when Plaid has the transfer (authorization approved, transfer created): the money is on its
//        way; posted when it settles, voided when it is returned or fails
//   ach.returned        POSTED    Dr user:<id>:delinquent              Cr user:<id>:ach_receivable:<TYPE>
//        returned before settlement after the crypto was sent: the user owes it (F1000)
//   ach.returned_late   POSTED    Dr user:<id>:late_return_receivable  Cr platform:ach_clearing
//        returned after settlement (F1002): the money left again; the user owes it
//   ach.refund          PENDING   Dr user:<id>:orders                  Cr platform:ach_clearing
//        a refund of a paid purchase whose crypto never came; posted when it settles, voided if it fails
//   purchase.cancelled  POSTED    Dr user:<id>:orders                  Cr user:<id>:delinquent | late_return_receivable
//        the crypto counted as sent did not arrive after all: the user owes nothing for it
//   purchase.delivered  POSTED    Dr user:<id>:orders                  Cr platform:fees, platform:network_fees,
//                                                                        platform:crypto_sales
//                                 Dr platform:crypto_sales (<CURRENCY>) Cr platform:hot_wallet:<NETWORK>:<ASSET>
//
// The limits read the debits of the two receivable accounts: every purchase not voided counts.
import type { Executor } from '../../db/index.ts';
import { postJournal, postPending, voidPending } from '../ledger/index.ts';
import type { AchType } from './tables.ts';

export const USD = 'USD';

export const accounts = {
  receivable: (userId: string, type: AchType) => `user:${userId}:ach_receivable:${type}`,
  orders: (userId: string) => `user:${userId}:orders`,
  delinquent: (userId: string) => `user:${userId}:delinquent`,
  lateReturnReceivable: (userId: string) => `user:${userId}:late_return_receivable`,
  achClearing: 'platform:ach_clearing',
  fees: 'platform:fees',
  networkFees: 'platform:network_fees',
  cryptoSales: 'platform:crypto_sales',
  hotWallet: (network: string, asset: string) => `platform:hot_wallet:${network}:${asset}`,
};

const INITIATED = 'purchase.initiated';

export interface PurchaseRef {
  id: string;
  userId: string;
  type: AchType;
  amountCents: bigint;
}

export async function journalInitiated(trx: Executor, p: PurchaseRef, at: Date): Promise<void> {
  await postJournal(trx, {
    kind: INITIATED,
    reference: p.id,
    status: 'PENDING',
    at,
    lines: [
      { account: accounts.receivable(p.userId, p.type), currency: USD, amountMinor: p.amountCents },
      { account: accounts.orders(p.userId), currency: USD, amountMinor: -p.amountCents },
    ],
  });
}

/** The purchase will not be undone: its initiation counts in posted balances. Idempotent. */
export async function confirmInitiated(trx: Executor, id: string, at: Date): Promise<void> {
  await postPending(trx, { kind: INITIATED, reference: id }, at);
}

/** The purchase never happened: its initiation leaves the balances (and stops counting in limits). */
export async function voidInitiated(trx: Executor, id: string, at: Date): Promise<void> {
  await voidPending(trx, { kind: INITIATED, reference: id }, at);
}

const DEBIT = 'ach.debit';
const REFUND = 'ach.refund';

/** Plaid has the transfer: the money is on its way to the clearing account. */
export async function journalDebitPending(trx: Executor, p: PurchaseRef, at: Date): Promise<void> {
  await postJournal(trx, {
    kind: DEBIT,
    reference: p.id,
    status: 'PENDING',
    at,
    lines: [
      { account: accounts.achClearing, currency: USD, amountMinor: p.amountCents },
      { account: accounts.receivable(p.userId, p.type), currency: USD, amountMinor: -p.amountCents },
    ],
  });
}

/** The debit settled: the money is in the clearing account. Idempotent. */
export async function journalSettled(trx: Executor, id: string, at: Date): Promise<void> {
  await postPending(trx, { kind: DEBIT, reference: id }, at);
}

/** The debit was returned or failed before it settled: it never arrived. Idempotent. */
export async function voidDebit(trx: Executor, id: string, at: Date): Promise<void> {
  await voidPending(trx, { kind: DEBIT, reference: id }, at);
}

/** A return after settlement: the money left the clearing account again and the user owes it. */
export async function journalReturnedLate(
  trx: Executor,
  p: PurchaseRef,
  returnCode: string | null,
  at: Date,
): Promise<void> {
  await postJournal(trx, {
    kind: 'ach.returned_late',
    reference: p.id,
    at,
    metadata: { returnCode },
    lines: [
      { account: accounts.lateReturnReceivable(p.userId), currency: USD, amountMinor: p.amountCents },
      { account: accounts.achClearing, currency: USD, amountMinor: -p.amountCents },
    ],
  });
}

/** A refund on its way back to the user's bank (reference: the ACH refund's id). */
export async function journalRefundPending(
  trx: Executor,
  p: PurchaseRef,
  refundId: string,
  amountCents: bigint,
  at: Date,
): Promise<void> {
  await postJournal(trx, {
    kind: REFUND,
    reference: refundId,
    status: 'PENDING',
    at,
    metadata: { purchaseId: p.id },
    lines: [
      { account: accounts.orders(p.userId), currency: USD, amountMinor: amountCents },
      { account: accounts.achClearing, currency: USD, amountMinor: -amountCents },
    ],
  });
}

export async function journalRefundSettled(trx: Executor, refundId: string, at: Date): Promise<void> {
  await postPending(trx, { kind: REFUND, reference: refundId }, at);
}

export async function voidRefund(trx: Executor, refundId: string, at: Date): Promise<void> {
  await voidPending(trx, { kind: REFUND, reference: refundId }, at);
}

/**
 * The crypto counted as sent when the debit came back did not arrive after all: what the user was
 * made to owe for it (delinquent or late_return_receivable) is set against the order.
 */
export async function journalOrderCancelled(
  trx: Executor,
  p: PurchaseRef,
  owed: 'delinquent' | 'lateReturnReceivable',
  at: Date,
): Promise<void> {
  await postJournal(trx, {
    kind: 'purchase.cancelled',
    reference: p.id,
    at,
    metadata: { against: owed },
    lines: [
      { account: accounts.orders(p.userId), currency: USD, amountMinor: p.amountCents },
      { account: accounts[owed](p.userId), currency: USD, amountMinor: -p.amountCents },
    ],
  });
}

export async function journalReturnedInstant(
  trx: Executor,
  p: PurchaseRef,
  returnCode: string | null,
  at: Date,
): Promise<void> {
  await postJournal(trx, {
    kind: 'ach.returned',
    reference: p.id,
    at,
    metadata: { returnCode },
    lines: [
      { account: accounts.delinquent(p.userId), currency: USD, amountMinor: p.amountCents },
      { account: accounts.receivable(p.userId, p.type), currency: USD, amountMinor: -p.amountCents },
    ],
  });
}

export interface PaidOut extends PurchaseRef {
  feeCents: bigint;
  networkFeeCents: bigint;
  currency: string;
  network: string;
  asset: string;
  cryptoAmountMinor: bigint;
}

export async function journalPaidOut(
  trx: Executor,
  d: PaidOut,
  transactionHash: string | null,
  at: Date,
): Promise<void> {
  const spend = d.amountCents - d.feeCents - d.networkFeeCents;
  const usd = [
    { account: accounts.orders(d.userId), currency: USD, amountMinor: d.amountCents },
    ...(d.feeCents > 0n ? [{ account: accounts.fees, currency: USD, amountMinor: -d.feeCents }] : []),
    ...(d.networkFeeCents > 0n
      ? [{ account: accounts.networkFees, currency: USD, amountMinor: -d.networkFeeCents }]
      : []),
    ...(spend > 0n ? [{ account: accounts.cryptoSales, currency: USD, amountMinor: -spend }] : []),
  ];
  await postJournal(trx, {
    // The stored kind keeps its first name: journals are immutable and looked up by kind.
    kind: 'purchase.delivered',
    reference: d.id,
    at,
    metadata: { transactionHash },
    lines: [
      ...usd,
      { account: accounts.cryptoSales, currency: d.currency, amountMinor: d.cryptoAmountMinor },
      { account: accounts.hotWallet(d.network, d.asset), currency: d.currency, amountMinor: -d.cryptoAmountMinor },
    ],
  });
}
