// Partner revenue: a client's share of a purchase's fee (clients.revenue_share_bps, basis points of
// the fee), owed to the partner once the fee is earned and taken back when the purchase is undone.
//
//   revenue_share.accrued   POSTED  Dr platform:partner_revenue_share   Cr client:<id>:revenue_share_payable
//        when the fee is earned (the purchase.delivered journal, in the same transaction)
//   revenue_share.reversed  POSTED  Dr client:<id>:revenue_share_payable  Cr platform:partner_revenue_share
//        on an ACH return of an INSTANT purchase, or a refund (the refund flow calls reverseRevenueShare)
//
// revenue_shares keeps one row per purchase (rate, amounts, ACCRUED → REVERSED once); the ledger holds
// the money. Both are idempotent: the row's primary key and the journals' (kind, reference).
import type { Executor } from '../../db/index.ts';
import { postJournal } from '../ledger/index.ts';
import { USD } from './journals.ts';

export const revenueShareAccounts = {
  expense: 'platform:partner_revenue_share',
  payable: (clientId: string) => `client:${clientId}:revenue_share_payable`,
};

/** floor(fee × bps / 10 000): the partner never gets a fraction of a cent more than its rate. */
export function shareOf(feeCents: bigint, bps: number): bigint {
  return (feeCents * BigInt(bps)) / 10_000n;
}

/**
 * Accrues the client's share of `feeCents` for the purchase, at the client's current rate. Nothing
 * when the client has no share, the fee is zero, or the debit was already returned (the fee was
 * never earned). Returns the share accrued by this call (0 on a repeat).
 */
export async function accrueRevenueShare(
  trx: Executor,
  purchaseId: string,
  feeCents: bigint,
  at: Date,
): Promise<bigint> {
  const p = await trx
    .selectFrom('purchases')
    .innerJoin('clients', 'clients.id', 'purchases.client_id')
    .select([
      'purchases.client_id',
      'purchases.ach_type',
      'purchases.created_at',
      'purchases.ach_state',
      'clients.revenue_share_bps',
    ])
    .where('purchases.id', '=', purchaseId)
    .executeTakeFirst();
  const cameBack = p?.ach_state === 'RETURNED' || p?.ach_state === 'FAILED' || p?.ach_state === 'RETURNED_LATE';
  if (!p || cameBack || p.revenue_share_bps === 0) return 0n;
  const share = shareOf(feeCents, p.revenue_share_bps);
  if (share <= 0n) return 0n;
  const inserted = await trx
    .insertInto('revenue_shares')
    .values({
      purchase_id: purchaseId,
      client_id: p.client_id,
      ach_type: p.ach_type,
      purchase_created_at: p.created_at,
      bps: p.revenue_share_bps,
      fee_cents: feeCents,
      share_cents: share,
      status: 'ACCRUED',
      accrued_at: at,
    })
    .onConflict((oc) => oc.column('purchase_id').doNothing())
    .returning('purchase_id')
    .executeTakeFirst();
  if (!inserted) return 0n;
  await postJournal(trx, {
    kind: 'revenue_share.accrued',
    reference: purchaseId,
    at,
    metadata: { clientId: p.client_id, bps: p.revenue_share_bps, feeCents: feeCents.toString() },
    lines: [
      { account: revenueShareAccounts.expense, currency: USD, amountMinor: share },
      { account: revenueShareAccounts.payable(p.client_id), currency: USD, amountMinor: -share },
    ],
  });
  return share;
}

/**
 * Takes back the share accrued for the purchase (an ACH return, a refund). Nothing when none was
 * accrued or it was reversed already. Returns the share reversed by this call.
 */
export async function reverseRevenueShare(
  trx: Executor,
  purchaseId: string,
  at: Date,
  reason: 'ACH_RETURNED' | 'REFUNDED' = 'REFUNDED',
): Promise<bigint> {
  const row = await trx
    .updateTable('revenue_shares')
    .set({ status: 'REVERSED', reversed_at: at, reversal_reason: reason })
    .where('purchase_id', '=', purchaseId)
    .where('status', '=', 'ACCRUED')
    .returning(['client_id', 'share_cents'])
    .executeTakeFirst();
  if (!row) return 0n;
  await postJournal(trx, {
    kind: 'revenue_share.reversed',
    reference: purchaseId,
    at,
    metadata: { clientId: row.client_id, reason },
    lines: [
      { account: revenueShareAccounts.payable(row.client_id), currency: USD, amountMinor: row.share_cents },
      { account: revenueShareAccounts.expense, currency: USD, amountMinor: -row.share_cents },
    ],
  });
  return row.share_cents;
}
