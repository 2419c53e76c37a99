// SQL for purchases: the user lock, the insert of a purchase with its activity item, conditional
// state moves, and the activity update (with its ACTIVITY_UPDATED event) that follows each move.
import { sql, type Updateable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import type { NewRow, Row } from '../../db/schema.ts';
import { invariant } from '../../lib/invariant.ts';
import { type Minor, minor } from '../../lib/money.ts';
import { activityRow, toActivityItem, type ActivityItem, type ActivityRow } from '../activity/repository.ts';
import type { ActivityItemsTable } from '../activity/tables.ts';
import {
  ACH_TRANSITIONS,
  PAYOUT_TRANSITIONS,
  REFUND_TRANSITIONS,
  RISK_TRANSITIONS,
  cryptoStatus,
  fiatStatus,
  purchaseRuleBroken,
  sourcesOf,
  type PurchaseStates,
} from './state.ts';
import type { AchState, PayoutState, PurchasesTable, RefundState, RiskState } from './tables.ts';

export type PurchaseRow = Omit<Row<'purchases'>, 'ach_expected_settlement_date' | 'payout_amount_minor'> & {
  expected_settlement_date: string | null;
  payout_amount_minor: Minor | null;
};

/** Locks the user row until the transaction ends: one purchase per user is checked and recorded at a time. */
export async function lockUser(trx: Executor, userId: string): Promise<boolean> {
  const row = await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().executeTakeFirst();
  return row !== undefined;
}

function purchaseColumns(db: Executor) {
  return db
    .selectFrom('purchases')
    .selectAll()
    .select(sql<string | null>`to_char(ach_expected_settlement_date, 'YYYY-MM-DD')`.as('expected_settlement_date'));
}

/** The boundary for every read of purchases: the settlement date as text, the amount as a bigint. */
function strip(row: Row<'purchases'> & { expected_settlement_date: string | null }): PurchaseRow {
  const { ach_expected_settlement_date: _drop, payout_amount_minor, ...rest } = row;
  return { ...rest, payout_amount_minor: payout_amount_minor === null ? null : minor(BigInt(payout_amount_minor)) };
}

export async function findPurchase(db: Executor, id: string): Promise<PurchaseRow | undefined> {
  const row = await purchaseColumns(db).where('id', '=', id).executeTakeFirst();
  return row ? strip(row) : undefined;
}

export async function insertPurchase(
  trx: Executor,
  activity: NewRow<'activity_items'>,
  purchase: NewRow<'purchases'>,
): Promise<ActivityRow> {
  // Every machine starts at its first state; anything else would skip the moves that guard the rules.
  invariant(
    purchase.risk_state === 'PENDING' && purchase.ach_state === 'PENDING' && purchase.payout_state === 'WAITING',
    () =>
      `purchase ${purchase.id} would start at ${purchase.risk_state}/${purchase.ach_state}/${purchase.payout_state}`,
  );
  const row = await trx.insertInto('activity_items').values(activity).returningAll().executeTakeFirstOrThrow();
  const inserted = await trx.insertInto('purchases').values(purchase).executeTakeFirst();
  invariant(inserted.numInsertedOrUpdatedRows === 1n, () => `purchase ${purchase.id} was not inserted`);
  return activityRow(row);
}

export interface Move {
  risk?: RiskState;
  ach?: AchState;
  payout?: PayoutState;
  refund?: RefundState;
  set?: Updateable<PurchasesTable>;
}

/** The states `current` would be in after `move`, or null when a machine is not in a state its target may be reached from. */
function afterMove(current: PurchaseStates, move: Move): PurchaseStates | null {
  if (move.risk && !sourcesOf(RISK_TRANSITIONS, move.risk).includes(current.risk_state)) return null;
  if (move.ach && !sourcesOf(ACH_TRANSITIONS, move.ach).includes(current.ach_state)) return null;
  if (move.payout && !sourcesOf(PAYOUT_TRANSITIONS, move.payout).includes(current.payout_state)) return null;
  if (move.refund && !sourcesOf(REFUND_TRANSITIONS, move.refund).includes(current.refund_state)) return null;
  return {
    ach_type: current.ach_type,
    risk_state: move.risk ?? current.risk_state,
    ach_state: move.ach ?? current.ach_state,
    payout_state: move.payout ?? current.payout_state,
    refund_state: move.refund ?? current.refund_state,
  };
}

const statesOf = (s: PurchaseStates) =>
  `risk ${s.risk_state}, ach ${s.ach_state}, payout ${s.payout_state}, refund ${s.refund_state}`;

/**
 * Moves the purchase's state machines together, conditionally on each being in a state the target
 * may be reached from. Returns the updated row, or undefined when another writer got there first.
 *
 * The row is locked and read first, so the rules that span the machines (purchaseRuleBroken) are
 * checked on the states the move leads to before anything is written: a move that would break one
 * is a bug and fails as an InvariantError (the CHECK constraints would refuse the write anyway).
 * The update stays conditional, and the row it returns must show every target reached.
 */
export async function movePurchase(trx: Executor, id: string, move: Move, now: Date): Promise<PurchaseRow | undefined> {
  const current = await trx
    .selectFrom('purchases')
    .select(['ach_type', 'risk_state', 'ach_state', 'payout_state', 'refund_state'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  const next = current && afterMove(current, move);
  if (!current || !next) return undefined;
  const broken = purchaseRuleBroken(next);
  invariant(
    broken === null,
    () => `purchase ${id}: moving from ${statesOf(current)} to ${statesOf(next)} breaks the rule: ${broken}`,
  );
  let q = trx
    .updateTable('purchases')
    .set({
      ...move.set,
      ...(move.risk ? { risk_state: move.risk } : {}),
      ...(move.ach ? { ach_state: move.ach } : {}),
      ...(move.payout ? { payout_state: move.payout } : {}),
      ...(move.refund ? { refund_state: move.refund } : {}),
      updated_at: now,
    })
    .where('id', '=', id);
  if (move.risk) q = q.where('risk_state', 'in', sourcesOf(RISK_TRANSITIONS, move.risk));
  if (move.ach) q = q.where('ach_state', 'in', sourcesOf(ACH_TRANSITIONS, move.ach));
  if (move.payout) q = q.where('payout_state', 'in', sourcesOf(PAYOUT_TRANSITIONS, move.payout));
  if (move.refund) q = q.where('refund_state', 'in', sourcesOf(REFUND_TRANSITIONS, move.refund));
  const moved = await q
    .returningAll()
    .returning(sql<string | null>`to_char(ach_expected_settlement_date, 'YYYY-MM-DD')`.as('expected_settlement_date'))
    .executeTakeFirst();
  // The row is locked and was in a source state of every target: the conditional update cannot miss.
  invariant(moved, () => `purchase ${id}: locked at ${statesOf(current)}, yet the conditional update matched no row`);
  const reached = statesOf(moved) === statesOf(next);
  invariant(reached, () => `purchase ${id}: moved to ${statesOf(next)} but reads ${statesOf(moved)}`);
  return strip(moved);
}

export type ActivityPatch = Omit<Updateable<ActivityItemsTable>, 'metadata' | 'fiat_status' | 'crypto_status'> & {
  /** Merged into the item's metadata. */
  metadata?: Record<string, unknown>;
};

/**
 * Brings the activity item in line with the purchase (leg statuses from its states, plus `patch`) and
 * publishes ACTIVITY_UPDATED with the item as the API now returns it, in the same transaction.
 */
export async function syncActivity(
  ctx: AppContext,
  trx: Executor,
  purchase: PurchaseRow,
  patch: ActivityPatch,
  now: Date,
): Promise<ActivityItem> {
  const { metadata, ...columns } = patch;
  const row = await trx
    .updateTable('activity_items')
    .set({
      ...columns,
      fiat_status: fiatStatus(purchase.ach_state),
      crypto_status: cryptoStatus(purchase.payout_state),
      updated_at: now,
      ...(metadata ? { metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}),
    })
    .where('id', '=', purchase.id)
    .returningAll()
    .executeTakeFirst();
  // purchases.id references activity_items.id: every purchase has its item.
  invariant(row, () => `purchase ${purchase.id} has no activity item`);
  const item = toActivityItem(activityRow(row));
  await ctx.events.publish(trx, { userId: purchase.user_id, type: 'ACTIVITY_UPDATED', data: item });
  return item;
}
