// Operator commands of purchases: `onramp purchases list [--status …]` shows what needs watching
// (open purchases, returns, late returns, refunds), `onramp purchases refund ID` sends a paid purchase's
// money back when its crypto will not be delivered (docs/money-movement.md).
import { type ExpressionBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../lib/crypto.ts';
import { formatUsd } from '../../lib/money.ts';
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/command-args.ts';
import { advancePurchase } from './advance-purchase.ts';
import { PROCESS_QUEUE } from './queues.ts';
import { findPurchase, movePurchase, syncActivity, type PurchaseRow } from './repository.ts';

type Eb = ExpressionBuilder<Database, 'purchases'>;

/** The statuses an operator filters by, each a condition on the purchase's state machines. */
export const PURCHASE_LIST_STATUSES = {
  OPEN: (eb: Eb) =>
    eb.or([
      eb('ach_state', 'in', ['PENDING', 'ORIGINATED']),
      eb('payout_state', 'in', ['WAITING', 'REQUESTED', 'SUBMITTED']),
    ]),
  COMPLETED: (eb: Eb) => eb.and([eb('ach_state', '=', 'SETTLED'), eb('payout_state', '=', 'CONFIRMED')]),
  RISK_REJECTED: (eb: Eb) => eb('risk_state', '=', 'REJECTED'),
  CANCELLED: (eb: Eb) => eb('ach_state', '=', 'CANCELLED'),
  RETURNED: (eb: Eb) => eb('ach_state', 'in', ['RETURNED', 'FAILED']),
  LATE_RETURNED: (eb: Eb) => eb('ach_state', '=', 'RETURNED_LATE'),
  PAYOUT_FAILED: (eb: Eb) => eb('payout_state', '=', 'FAILED'),
  REFUND_REQUIRED: (eb: Eb) => eb('refund_state', '=', 'REQUIRED'),
  REFUND_PENDING: (eb: Eb) => eb('refund_state', '=', 'PENDING'),
  REFUNDED: (eb: Eb) => eb('refund_state', '=', 'SETTLED'),
  REFUND_FAILED: (eb: Eb) => eb('refund_state', '=', 'FAILED'),
} as const;
export type PurchaseListStatus = keyof typeof PURCHASE_LIST_STATUSES;

function summary(p: PurchaseRow) {
  return {
    id: p.id,
    userId: p.user_id,
    type: p.ach_type,
    amount: formatUsd(p.amount_cents),
    asset: `${p.asset} on ${p.network}`,
    risk: p.risk_state,
    ach: p.ach_state,
    achReturnCode: p.ach_return_code,
    payout: p.payout_state,
    refund: p.refund_state,
    refundReason: p.refund_reason,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

export async function listPurchases(
  ctx: AppContext,
  q: { statuses: PurchaseListStatus[]; userId?: string; limit: number },
) {
  let query = ctx.db
    .selectFrom('purchases')
    .selectAll()
    .select(sql<string | null>`to_char(ach_expected_settlement_date, 'YYYY-MM-DD')`.as('expected_settlement_date'));
  if (q.statuses.length > 0) query = query.where((eb) => eb.or(q.statuses.map((s) => PURCHASE_LIST_STATUSES[s](eb))));
  if (q.userId) query = query.where('user_id', '=', q.userId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(q.limit).execute();
  return rows.map((r) => summary(r as unknown as PurchaseRow));
}

/**
 * Marks a paid, undelivered purchase for a refund (or a failed refund for another attempt), in one
 * transaction with the job that makes it, then makes it now when Plaid can be reached from here.
 */
export async function refundPurchase(ctx: AppContext, id: string, reason: string) {
  const p = await findPurchase(ctx.db, id);
  if (!p) throw new UsageError(`no purchase ${id}`);
  if (p.refund_state === 'PENDING' || p.refund_state === 'SETTLED')
    return { ...summary(p), outcome: `already refunded (${p.refund_state})` };
  if (p.ach_state !== 'SETTLED')
    throw new UsageError(`purchase ${id} is not paid (its debit is ${p.ach_state}): only a settled debit is refunded`);
  if (p.payout_state === 'REQUESTED' || p.payout_state === 'SUBMITTED' || p.payout_state === 'CONFIRMED')
    throw new UsageError(
      `purchase ${id}'s crypto is ${p.payout_state === 'CONFIRMED' ? 'delivered' : 'on its way'} (payout ${p.payout_state}): see onramp payouts list`,
    );
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const moved = await movePurchase(
      trx,
      id,
      {
        refund: 'REQUIRED',
        ...(p.payout_state === 'WAITING' ? { payout: 'CANCELLED' as const } : {}),
        set: { refund_reason: p.refund_reason ?? 'OPERATOR' },
      },
      now,
    );
    if (!moved && p.refund_state !== 'REQUIRED') throw new UsageError(`purchase ${id} changed meanwhile; look again`);
    if (moved && p.payout_state === 'WAITING')
      await syncActivity(ctx, trx, moved, { metadata: { failureReason: 'REFUNDED_BY_OPERATOR' } }, now);
    await trx
      .insertInto('audit_log')
      .values({
        id: newId(),
        at: now,
        actor_type: 'OPERATOR',
        actor_id: 'OPERATOR:cli',
        action: 'purchase.refund',
        user_id: p.user_id,
        subject_type: 'PURCHASE',
        subject_id: id,
        details: JSON.stringify({ reason }),
      })
      .execute();
    await ctx.jobs.send(PROCESS_QUEUE, { id }, { trx });
  });
  try {
    await advancePurchase(ctx, id);
  } catch (error) {
    return {
      ...summary((await findPurchase(ctx.db, id))!),
      outcome: `queued: the purchase job retries (${(error as Error).message})`,
    };
  }
  return { ...summary((await findPurchase(ctx.db, id))!), outcome: 'refund requested' };
}

export const purchaseCommands: OperatorCommand[] = [
  {
    path: ['purchases', 'list'],
    options: { status: { type: 'string' }, user: { type: 'string' }, limit: { type: 'string' } },
    usage: `purchases list [--status ${Object.keys(PURCHASE_LIST_STATUSES).join('|')},...] [--user USER_ID] [--limit N]`,
    description: 'Purchases, newest first: open ones, returns, late returns (F1002), refunds to watch',
    async run(ctx, args) {
      const statuses = (option(args, 'status')?.split(',') ?? []).map((s) => s.trim().toUpperCase());
      for (const s of statuses)
        if (!(s in PURCHASE_LIST_STATUSES))
          throw new UsageError(`--status must be among ${Object.keys(PURCHASE_LIST_STATUSES).join(', ')} (got "${s}")`);
      const limit = Number(option(args, 'limit') ?? '50');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be an integer from 1 to 1000');
      const user = option(args, 'user');
      return listPurchases(ctx, {
        statuses: statuses as PurchaseListStatus[],
        limit,
        ...(user ? { userId: positionalId({ positionals: [user], options: {} }, 0, '--user') } : {}),
      });
    },
  },
  {
    path: ['purchases', 'refund'],
    options: { reason: { type: 'string' } },
    usage: 'purchases refund PURCHASE_ID --reason TEXT',
    description:
      "Send a paid purchase's money back through Plaid Transfer when its crypto will not be delivered (or try a failed refund again)",
    async run(ctx, args) {
      const reason = option(args, 'reason');
      if (!reason || reason.length > 500)
        throw new UsageError('--reason is required (1-500 characters): it goes to the audit log');
      return refundPurchase(ctx, positionalId(args, 0, 'PURCHASE_ID'), reason);
    },
  },
];
