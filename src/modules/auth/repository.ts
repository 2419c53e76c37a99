// SQL for user sessions, signing wallets and wallet challenges.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { WalletType } from '../../lib/addresses.ts';
import type { Factor } from '../../plugins/types.ts';

export type AuthSessionRow = Row<'auth_sessions'>;
export type SigningWalletRow = Row<'signing_wallets'>;
export type WalletChallengeRow = Row<'wallet_challenges'>;

/** A session row and whether its user is active on the session's client (user_clients). */
export type SessionWithAccess = AuthSessionRow & { user_active: boolean };

export async function findSessionWithAccess(db: Executor, id: string): Promise<SessionWithAccess | undefined> {
  return db
    .selectFrom('auth_sessions as s')
    .selectAll('s')
    .select(
      sql<boolean>`exists (select 1 from user_clients uc where uc.user_id = s.user_id and uc.client_id = s.client_id)`.as(
        'user_active',
      ),
    )
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/** The row locked for the rest of the transaction, so concurrent factor proofs apply one after the other. */
export async function lockSession(db: Executor, id: string): Promise<AuthSessionRow | undefined> {
  return db.selectFrom('auth_sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertSession(db: Executor, row: AuthSessionRow): Promise<void> {
  await db.insertInto('auth_sessions').values(row).execute();
}

export interface SessionChanges {
  /** A new id (the session is renewed when it proves a factor). */
  id?: string;
  user_id?: string | null;
  factors?: Factor[];
  wallet_type?: WalletType | null;
  wallet_address?: string | null;
  phone?: string | null;
  email?: string | null;
  link_user_id?: string | null;
  last_seen_at?: Date;
}

export async function updateSession(db: Executor, id: string, changes: SessionChanges): Promise<void> {
  await db.updateTable('auth_sessions').set(changes).where('id', '=', id).execute();
}

/** Records activity, at most once per `minGapMs`, so a burst of reads does not write on every request. */
export async function touchSession(db: Executor, id: string, now: Date, minGapMs: number): Promise<void> {
  await db
    .updateTable('auth_sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('last_seen_at', '<', new Date(now.getTime() - minGapMs))
    .execute();
}

export async function revokeSession(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function revokeUserSessions(db: Executor, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes what ended before `before` (bounded per table and call): sessions, challenges and codes,
 * and throttle counters whose window and lock are over.
 */
export async function deleteStaleAuthRows(db: Executor, before: Date, limit = 500): Promise<void> {
  await db
    .deleteFrom('auth_sessions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('auth_sessions')
        .select('id')
        .where((w) => w.or([w('last_seen_at', '<', before), w('expires_at', '<', before)]))
        .limit(limit),
    )
    .execute();
  await db
    .deleteFrom('wallet_challenges')
    .where('id', 'in', (eb) =>
      eb.selectFrom('wallet_challenges').select('id').where('expires_at', '<', before).limit(limit),
    )
    .execute();
  await db
    .deleteFrom('otp_codes')
    .where('id', 'in', (eb) => eb.selectFrom('otp_codes').select('id').where('expires_at', '<', before).limit(limit))
    .execute();
  await db
    .deleteFrom('auth_throttles')
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('auth_throttles')
        .select('key')
        .where('window_started_at', '<', before)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', before)]))
        // A run of wrong codes is kept until a correct code or an unlock ends it (the 100-failure cap).
        .where('consecutive_failures', '=', 0)
        .limit(limit),
    )
    .execute();
}

/**
 * A live session of `clientId` that proved `address` and whose SMS proof found `userId`'s phone:
 * the proof that lets `userId` add the wallet (cryptoWallet:addToUser).
 */
export async function findLinkableWalletSession(
  db: Executor,
  q: { clientId: string; userId: string; type: WalletType; address: string; lastSeenAfter: Date; now: Date },
): Promise<AuthSessionRow | undefined> {
  return db
    .selectFrom('auth_sessions')
    .selectAll()
    .where('client_id', '=', q.clientId)
    .where('wallet_type', '=', q.type)
    .where('wallet_address', '=', q.address)
    .where('link_user_id', '=', q.userId)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '>', q.lastSeenAfter)
    .where('expires_at', '>', q.now)
    .orderBy('last_seen_at', 'desc')
    .executeTakeFirst();
}

// ---- signing wallets ----

export async function findSigningWallet(
  db: Executor,
  type: WalletType,
  address: string,
): Promise<SigningWalletRow | undefined> {
  return db
    .selectFrom('signing_wallets')
    .selectAll()
    .where('wallet_type', '=', type)
    .where('address', '=', address)
    .executeTakeFirst();
}

/** Inserts the wallet unless it exists; returns the owner afterwards (this user, or whoever had it). */
export async function insertSigningWallet(db: Executor, row: SigningWalletRow): Promise<string> {
  await db
    .insertInto('signing_wallets')
    .values(row)
    .onConflict((oc) => oc.columns(['wallet_type', 'address']).doNothing())
    .execute();
  const owner = await findSigningWallet(db, row.wallet_type, row.address);
  return owner!.user_id;
}

export async function listSigningWallets(db: Executor, userId: string): Promise<SigningWalletRow[]> {
  return db
    .selectFrom('signing_wallets')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'asc')
    .execute();
}

// ---- users (read only: the Users module owns the table) ----

export async function findUserIdByPhone(db: Executor, phone: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('phone', '=', phone).executeTakeFirst())?.id;
}

export async function findUserIdByEmail(db: Executor, normalizedEmail: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('email_normalized', '=', normalizedEmail).executeTakeFirst())
    ?.id;
}

export async function addUserClient(db: Executor, userId: string, clientId: string, now: Date): Promise<void> {
  await db
    .insertInto('user_clients')
    .values({ user_id: userId, client_id: clientId, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function setClientSessionUser(db: Executor, idHash: Uint8Array, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('client_sessions')
    .set({ user_id: userId, updated_at: now })
    .where('id_hash', '=', idHash)
    .where('user_id', 'is', null)
    .execute();
}

// ---- wallet challenges ----

export async function insertChallenge(db: Executor, row: WalletChallengeRow): Promise<void> {
  await db.insertInto('wallet_challenges').values(row).execute();
}

/** Unused, unexpired challenges for the wallet, newest first. */
export async function liveChallenges(
  db: Executor,
  q: { clientId: string; type: WalletType; address: string; now: Date; limit: number },
): Promise<WalletChallengeRow[]> {
  return db
    .selectFrom('wallet_challenges')
    .selectAll()
    .where('client_id', '=', q.clientId)
    .where('wallet_type', '=', q.type)
    .where('address', '=', q.address)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .orderBy('issued_at', 'desc')
    .limit(q.limit)
    .execute();
}

/** The most recent challenge for the wallet whatever its state, to explain a failure. */
export async function latestChallenge(
  db: Executor,
  q: { clientId: string; type: WalletType; address: string },
): Promise<WalletChallengeRow | undefined> {
  return db
    .selectFrom('wallet_challenges')
    .selectAll()
    .where('client_id', '=', q.clientId)
    .where('wallet_type', '=', q.type)
    .where('address', '=', q.address)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
}

/** Marks the challenge used; false when another request used it first. */
export async function useChallenge(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('wallet_challenges')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Expired challenges for this wallet, so the table does not grow without bound. */
export async function deleteExpiredChallenges(
  db: Executor,
  q: { clientId: string; type: WalletType; address: string; now: Date },
): Promise<void> {
  await db
    .deleteFrom('wallet_challenges')
    .where('client_id', '=', q.clientId)
    .where('wallet_type', '=', q.type)
    .where('address', '=', q.address)
    .where('expires_at', '<=', q.now)
    .execute();
}
