// SQL of on-chain payout. State changes are conditional updates on the expected status; callers
// check the returned row count. Lease times use the database's clock (infrastructure timing shared by
// processes), domain timestamps the app clock.
import { sql } from 'kysely';
import type { Network } from '../../chains/networks.ts';
import type { Db, Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import { type Minor, minor } from '../../lib/money.ts';
import type { PayoutAsset, PayoutStatus } from './tables.ts';

/** A payout as read: the numeric amount is a bigint of the asset's minor units. */
export type PayoutRow = Omit<Row<'payouts'>, 'amount_minor'> & { amount_minor: Minor<PayoutAsset> };

/** The boundary for every read of payouts. */
export function payoutRow<R extends { amount_minor: string }>(
  row: R,
): Omit<R, 'amount_minor'> & { amount_minor: Minor<PayoutAsset> } {
  return { ...row, amount_minor: minor(BigInt(row.amount_minor)) };
}
export type SenderRow = Row<'hot_wallets'>;

export async function getPayout(db: Executor, id: string): Promise<PayoutRow | undefined> {
  const row = await db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && payoutRow(row);
}

export async function listPayouts(
  db: Executor,
  filter: { status?: PayoutStatus[]; network?: Network; limit: number },
): Promise<PayoutRow[]> {
  let q = db.selectFrom('payouts').selectAll();
  if (filter.status?.length) q = q.where('status', 'in', filter.status);
  if (filter.network) q = q.where('network', '=', filter.network);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(payoutRow);
}

export async function ensureSender(db: Executor, network: Network, address: string): Promise<void> {
  await db
    .insertInto('hot_wallets')
    .values({ network, address })
    .onConflict((oc) => oc.columns(['network', 'address']).doNothing())
    .execute();
}

export async function getSender(db: Executor, network: Network, address: string): Promise<SenderRow | undefined> {
  return db
    .selectFrom('hot_wallets')
    .selectAll()
    .where('network', '=', network)
    .where('address', '=', address)
    .executeTakeFirst();
}

export async function listSenders(db: Executor): Promise<SenderRow[]> {
  return db.selectFrom('hot_wallets').selectAll().orderBy('network').execute();
}

/** Takes the sender's lease if it is free or lapsed. */
export async function acquireLease(
  db: Executor,
  network: Network,
  address: string,
  token: string,
  seconds: number,
): Promise<boolean> {
  const result = await db
    .updateTable('hot_wallets')
    .set({
      lease_token: token,
      lease_expires_at: sql`now() + make_interval(secs => ${seconds})`,
      updated_at: sql`now()`,
    })
    .where('network', '=', network)
    .where('address', '=', address)
    .where((eb) => eb.or([eb('lease_token', 'is', null), eb('lease_expires_at', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Extends the lease; false when another process took it (this one must stop). */
export async function renewLease(
  db: Executor,
  network: Network,
  address: string,
  token: string,
  seconds: number,
): Promise<boolean> {
  const result = await db
    .updateTable('hot_wallets')
    .set({ lease_expires_at: sql`now() + make_interval(secs => ${seconds})` })
    .where('network', '=', network)
    .where('address', '=', address)
    .where('lease_token', '=', token)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releaseLease(db: Executor, network: Network, address: string, token: string): Promise<void> {
  await db
    .updateTable('hot_wallets')
    .set({ lease_token: null, lease_expires_at: null })
    .where('network', '=', network)
    .where('address', '=', address)
    .where('lease_token', '=', token)
    .execute();
}

/** Payouts ready to be signed: PENDING and not waiting for a retry. */
export async function readyPending(db: Executor, network: Network, limit: number): Promise<PayoutRow[]> {
  const rows = await db
    .selectFrom('payouts')
    .selectAll()
    .where('network', '=', network)
    .where('status', '=', 'PENDING')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', sql<Date>`now()`)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(payoutRow);
}

export type DueRow = PayoutRow & { due: boolean };

/**
 * Signed transactions not yet accepted by a node, in nonce order (they must reach the chain in that
 * order); `due` is false while one waits for its next attempt.
 */
export async function signedInNonceOrder(
  db: Executor,
  network: Network,
  from: string,
  limit: number,
): Promise<DueRow[]> {
  const rows = await db
    .selectFrom('payouts')
    .selectAll()
    .select(sql<boolean>`(next_attempt_at is null or next_attempt_at <= now())`.as('due'))
    .where('network', '=', network)
    .where('from_address', '=', from)
    .where('status', '=', 'SIGNED')
    .orderBy('nonce')
    .limit(limit)
    .execute();
  return rows.map(payoutRow);
}

/**
 * Is there something the sender can do now: the first signed transaction (by nonce) is due, or none
 * is waiting and a pending payout is due?
 */
export async function hasReadyWork(db: Executor, network: Network, from: string): Promise<boolean> {
  const [first] = await signedInNonceOrder(db, network, from, 1);
  if (first) return first.due;
  return (await readyPending(db, network, 1)).length > 0;
}

/** The earliest retry time among payouts waiting on `network`. */
export async function nextRetryAt(db: Executor, network: Network): Promise<Date | undefined> {
  const row = await db
    .selectFrom('payouts')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('network', '=', network)
    .where('status', 'in', ['PENDING', 'SIGNED'])
    .where('next_attempt_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}

/** Nonces in [from, to) held by payouts of this wallet. */
export async function noncesInRange(
  db: Executor,
  network: Network,
  address: string,
  from: bigint,
  to: bigint,
): Promise<bigint[]> {
  const rows = await db
    .selectFrom('payouts')
    .select('nonce')
    .where('network', '=', network)
    .where('from_address', '=', address)
    .where('nonce', '>=', from)
    .where('nonce', '<', to)
    .orderBy('nonce')
    .execute();
  return rows.flatMap((r) => (r.nonce === null ? [] : [r.nonce]));
}

/**
 * Networks whose sender has something to do or to schedule: a PENDING payout (to sign, now or at
 * its next attempt) or a SIGNED one (to broadcast, again after a crash). Whatever the retry time:
 * the sender schedules its own wake-up, which a crash may have kept it from sending. Other statuses
 * are not the sender's (SUBMITTED is followed by its confirmation job; the rest are final or wait
 * for an operator, whose command wakes the sender).
 */
export async function networksWithSenderWork(db: Db): Promise<Network[]> {
  // payouts_open (0045) holds these rows only.
  const rows = await db
    .selectFrom('payouts')
    .select('network')
    .distinct()
    .where('status', 'in', ['PENDING', 'SIGNED'])
    .execute();
  return rows.map((r) => r.network);
}

export async function submittedIds(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('payouts')
    .select('id')
    .where('status', '=', 'SUBMITTED')
    .orderBy('submitted_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Records a failed attempt of the current step. After `maxAttempts` the payout becomes
 * FAILED_RETRYABLE (an operator retries it); until then it waits `delaySeconds * 2^attempts` (≤ 1 h).
 */
export async function recordAttemptFailure(
  db: Executor,
  row: PayoutRow,
  opts: { reason: string; code: string; maxAttempts: number; delaySeconds: number; now: Date },
): Promise<{ status: PayoutStatus; attempts: number } | undefined> {
  const attempts = row.attempts + 1;
  const giveUp = attempts >= opts.maxAttempts;
  const delay = Math.min(3600, opts.delaySeconds * 2 ** (attempts - 1));
  const result = await db
    .updateTable('payouts')
    .set({
      attempts,
      last_error: opts.reason,
      ...(giveUp
        ? { status: 'FAILED_RETRYABLE', failure_code: opts.code, failure_message: opts.reason, next_attempt_at: null }
        : { next_attempt_at: sql`now() + make_interval(secs => ${delay})` }),
      updated_at: opts.now,
    })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .where('attempts', '=', row.attempts)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return undefined;
  return { status: giveUp ? 'FAILED_RETRYABLE' : row.status, attempts };
}
