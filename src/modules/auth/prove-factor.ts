// Adds a just-proven factor to the caller's session (or starts one), inside the caller's transaction.
// The result is returned rather than thrown so that what must persist on a refusal (a consumed code,
// the account-linking mark) commits with it; the caller throws after the commit.
import type { Tx } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import { flagBlock } from '../flags/index.ts';
import { decide, hasTwoFactors, merge, type Proof, type SessionState } from './factors.ts';
import {
  addUserClient,
  insertSession,
  insertSigningWallet,
  lockSession,
  setClientSessionUser,
  updateSession,
  type AuthSessionRow,
} from './repository.ts';
import { stateOf, type UserSessions } from './sessions.ts';
import { recordSmsVerified, recordWalletConnected } from './funnel.ts';

export interface ProofContext {
  now: Date;
  clientId: string;
  /** sha256 of the `ratio-client-session-id` the request used, if any. */
  clientSessionHash: Uint8Array | null;
  /** The session of the JWT sent with the request (null: this proof starts a new session). */
  sessionId: string | null;
}

export type ProofResult = { ok: true; sessionId: string; userId: string | null } | { ok: false; error: AppError };

export async function applyProof(
  trx: Tx,
  sessions: UserSessions,
  ctx: ProofContext,
  proof: Proof,
): Promise<ProofResult> {
  const row = ctx.sessionId ? await lockSession(trx, ctx.sessionId) : undefined;
  if (ctx.sessionId && (!row || row.revoked_at)) {
    return {
      ok: false,
      error: new AppError('INVALID_AUTHORIZATION', {
        message: 'The session of this JWT has been signed out; authenticate again',
      }),
    };
  }
  const state = row ? stateOf(row) : null;
  const decision = decide(state, proof);
  if (decision.kind === 'reject') {
    if (row && decision.pendingLinkUserId)
      await updateSession(trx, row.id, { link_user_id: decision.pendingLinkUserId, last_seen_at: ctx.now });
    return { ok: false, error: decision.error };
  }
  // A suspended account (F0000) cannot sign in: "any GET call that can identify a user (/auth, /user)"
  // is 403, and a session is the key to every other call.
  if (decision.userId) {
    const blocked = await flagBlock(trx, decision.userId, 'READ');
    if (blocked) return { ok: false, error: blocked };
  }
  if (decision.linkWallet && proof.factor === 'WALLET') {
    const owner = await insertSigningWallet(trx, {
      id: newId(),
      user_id: decision.userId!,
      wallet_type: proof.wallet.type,
      address: proof.wallet.address,
      added_by_client_id: ctx.clientId,
      created_at: ctx.now,
    });
    // Another request attached the wallet to someone else in the meantime.
    if (owner !== decision.userId)
      return {
        ok: false,
        error: new AppError('ALREADY_EXISTS_WALLET_ADDRESS', {
          message: 'The wallet is a signing wallet of another user',
          data: { field: 'walletAddress' },
        }),
      };
  }
  const next = merge(state, proof, decision.userId);
  // A new session id at every factor (ASVS 5 V7.2.4): JWTs issued before this proof stop working,
  // so a token that leaked with fewer factors never gains the new one.
  const sessionId = row ? newId() : await insertNew(trx, sessions, ctx, next);
  if (row) await updateSession(trx, row.id, { id: sessionId, ...columns(next), last_seen_at: ctx.now });
  await afterIdentified(trx, ctx, row, next);
  await recordFunnel(trx, ctx, proof, next);
  return { ok: true, sessionId, userId: next.userId };
}

async function insertNew(trx: Tx, sessions: UserSessions, ctx: ProofContext, state: SessionState): Promise<string> {
  const row = { ...sessions.newRow(ctx.clientId, ctx.clientSessionHash), ...columns(state) };
  await insertSession(trx, row);
  return row.id;
}

/**
 * A user proven with two factors becomes active on this client. A client session learns its user
 * once its signing wallet is proven and known to belong to one (only that wallet can sign in
 * through it).
 */
async function afterIdentified(
  trx: Tx,
  ctx: ProofContext,
  row: AuthSessionRow | undefined,
  state: SessionState,
): Promise<void> {
  if (state.userId === null) return;
  if (hasTwoFactors(state.factors)) await addUserClient(trx, state.userId, ctx.clientId, ctx.now);
  const clientSessionHash = row?.client_session_hash ?? ctx.clientSessionHash;
  if (clientSessionHash && state.wallet) await setClientSessionUser(trx, clientSessionHash, state.userId, ctx.now);
}

/** The acquisition funnel's wallet steps (dashboard): a wallet signed in, SMS verified with it. */
async function recordFunnel(trx: Tx, ctx: ProofContext, proof: Proof, state: SessionState): Promise<void> {
  if (!state.wallet) return;
  if (proof.factor === 'WALLET') await recordWalletConnected(trx, ctx.clientId, state.wallet, ctx.now);
  if (state.factors.includes('SMS')) await recordSmsVerified(trx, ctx.clientId, state.wallet, ctx.now);
}

function columns(
  state: SessionState,
): Pick<AuthSessionRow, 'user_id' | 'factors' | 'wallet_type' | 'wallet_address' | 'phone' | 'email'> {
  return {
    user_id: state.userId,
    factors: state.factors,
    wallet_type: state.wallet?.type ?? null,
    wallet_address: state.wallet?.address ?? null,
    phone: state.phone ?? null,
    email: state.email ?? null,
  };
}
