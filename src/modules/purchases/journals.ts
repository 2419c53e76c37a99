// What a purchase writes to the ledger, step by step (USD in cents, crypto in its minor units):
//
//   purchase.initiated  PENDING   Dr user:<id>:ach_receivable:<TYPE>   Cr user:<id>:orders
//        posted once the purchase is irrevocable (debit settled, or crypto delivered);
//        voided when it never happens (risk rejected, STANDARD debit returned)
//   ach.settled         POSTED    Dr platform:ach_clearing             Cr user:<id>:ach_receivable:<TYPE>
//   ach.returned        POSTED    Dr user:<id>:delinquent              Cr user:<id>:ach_receivable:INSTANT
//        (INSTANT only: the crypto was sent, the money never came)
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

export async function journalSettled(trx: Executor, p: PurchaseRef, at: Date): Promise<void> {
  await postJournal(trx, {
    kind: 'ach.settled',
    reference: p.id,
    at,
    lines: [
      { account: accounts.achClearing, currency: USD, amountMinor: p.amountCents },
      { account: accounts.receivable(p.userId, p.type), currency: USD, amountMinor: -p.amountCents },
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
