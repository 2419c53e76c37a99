// Signing wallets are authentication methods (a user signs in with them); deposit wallets (the Users
// module's `wallets`) are where purchases go. These functions are what the Users module calls inside
// its create-user transaction.
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { WalletType } from '../../lib/addresses.ts';
import { newId } from '../../lib/crypto.ts';
import {
  addUserClient,
  findSigningWallet,
  insertSigningWallet,
  listSigningWallets,
  lockSession,
  setClientSessionUser,
  updateSession,
  type SigningWalletRow,
} from './repository.ts';

export type { SigningWalletRow };

/** The user who signs in with this wallet, if any. `address` must be canonical (normalizeAddress). */
export async function findUserBySigningWallet(
  db: Executor,
  type: WalletType,
  address: string,
): Promise<string | undefined> {
  return (await findSigningWallet(db, type, address))?.user_id;
}

export async function signingWalletsOf(db: Executor, userId: string): Promise<SigningWalletRow[]> {
  return listSigningWallets(db, userId);
}

/**
 * Makes `address` a signing wallet of `userId`. Idempotent for the same user; 409
 * ALREADY_EXISTS_WALLET_ADDRESS when another user signs in with it.
 */
export async function addSigningWallet(
  db: Executor,
  userId: string,
  address: string,
  type: WalletType,
  opts: { clientId?: string; now: Date },
): Promise<void> {
  const owner = await insertSigningWallet(db, {
    id: newId(),
    user_id: userId,
    wallet_type: type,
    address,
    added_by_client_id: opts.clientId ?? null,
    created_at: opts.now,
  });
  if (owner !== userId) {
    throw new AppError('ALREADY_EXISTS_WALLET_ADDRESS', {
      message: 'The wallet is already a signing wallet of another user',
      data: { field: 'walletAddress' },
    });
  }
}

/**
 * After POST /v1/users created `userId` in this session's transaction: the session is now that
 * user's and the user is active on the session's client, its proven wallet becomes the user's signing
 * wallet, and a client session used to sign in
 * learns its user (GET /v1/client/sessions then shows `userMask`). Fails if the session already
 * belongs to a user.
 */
export async function attachSessionToUser(trx: Executor, sessionId: string, userId: string, now: Date): Promise<void> {
  const row = await lockSession(trx, sessionId);
  if (!row || row.revoked_at)
    throw new AppError('INVALID_AUTHORIZATION', {
      message: 'The session of this JWT has been signed out; authenticate again',
    });
  if (row.user_id !== null && row.user_id !== userId)
    throw new AppError('ALREADY_EXISTS_USER', { message: 'This session is already signed in to another user' });
  await updateSession(trx, sessionId, { user_id: userId, last_seen_at: now });
  await addUserClient(trx, userId, row.client_id, now);
  if (row.wallet_address && row.wallet_type) {
    await addSigningWallet(trx, userId, row.wallet_address, row.wallet_type, { clientId: row.client_id, now });
    if (row.client_session_hash) await setClientSessionUser(trx, row.client_session_hash, userId, now);
  }
}
