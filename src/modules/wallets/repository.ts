// SQL for deposit wallets. findUserWallet is the contract other modules (purchases) use.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';

export type WalletRow = Row<'wallets'>;

/** The user's wallet `walletId`, or undefined (also when the wallet belongs to someone else). */
export async function findUserWallet(db: Executor, userId: string, walletId: string): Promise<WalletRow | undefined> {
  return db
    .selectFrom('wallets')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', walletId)
    .executeTakeFirst();
}

export async function findWalletByAddress(
  db: Executor,
  userId: string,
  type: 'EVM',
  address: string,
): Promise<WalletRow | undefined> {
  return db
    .selectFrom('wallets')
    .selectAll()
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .where('address', '=', address)
    .executeTakeFirst();
}

export async function countUserWallets(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('wallets')
    .select(sql<string>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertWallet(
  db: Executor,
  row: Omit<WalletRow, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date },
): Promise<WalletRow> {
  return db.insertInto('wallets').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Inserts unless the user already has the address; returns the new row or undefined. */
export async function insertWalletIfAbsent(
  db: Executor,
  row: Omit<WalletRow, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date },
): Promise<WalletRow | undefined> {
  return db
    .insertInto('wallets')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'type', 'address']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function renameWallet(
  db: Executor,
  userId: string,
  walletId: string,
  name: string | null,
  now: Date,
): Promise<WalletRow | undefined> {
  return db
    .updateTable('wallets')
    .set({ name, updated_at: now })
    .where('user_id', '=', userId)
    .where('id', '=', walletId)
    .returningAll()
    .executeTakeFirst();
}

/** A page in (created_at, id) order, after the cursor; fetches one extra row to know if more follow. */
export async function pageUserWallets(
  db: Executor,
  userId: string,
  q: { limit: number; after?: { createdAt: Date; id: string } },
): Promise<WalletRow[]> {
  let query = db.selectFrom('wallets').selectAll().where('user_id', '=', userId);
  if (q.after) {
    const { createdAt, id } = q.after;
    query = query.where((eb) =>
      eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]),
    );
  }
  return query
    .orderBy('created_at')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
}

/** Locks the user row: connects, removals and purchases of one user run one after the other. */
export async function lockWalletOwner(trx: Executor, userId: string): Promise<void> {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().executeTakeFirstOrThrow();
}

/** Activity items whose crypto is still to be delivered to the wallet (at most 10, for the error). */
export async function pendingPurchasesTo(db: Executor, userId: string, walletId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('activity_items')
    .select('id')
    .where('user_id', '=', userId)
    .where('wallet_id', '=', walletId)
    .where('crypto_status', '=', 'PENDING')
    .orderBy('created_at')
    .limit(10)
    .execute();
  return rows.map((r) => r.id);
}

export async function deleteUserWallet(db: Executor, userId: string, walletId: string): Promise<void> {
  await db.deleteFrom('wallets').where('user_id', '=', userId).where('id', '=', walletId).execute();
}
