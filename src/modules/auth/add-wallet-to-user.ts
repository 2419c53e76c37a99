// POST /v1/auth/cryptoWallet:addToUser — account linking (guides/link-a-new-signing-wallet-to-an-
// existing-user.md). The calling session has proven two factors (SMS + email or wallet) for the user;
// the wallet must have signed in to this client in a session that is still alive and whose SMS (or
// email) proof found this user's phone (the 409 ALREADY_EXISTS_PHONE step). Without that proof
// anyone holding a user's session could attach an address they do not control.
import { AppError } from '../../errors/app-error.ts';
import type { ClientPrincipal, UserSession } from '../../plugins/types.ts';
import type { AuthDeps } from './deps.ts';
import { findLinkableWalletSession, findSigningWallet, revokeSession, setClientSessionUser } from './repository.ts';
import { addSigningWallet } from './signing-wallets.ts';
import { resolveWallet, type WalletInput } from './wallet-input.ts';

export type AddWalletToUserInput = WalletInput;

export async function addWalletToUser(
  deps: AuthDeps,
  client: ClientPrincipal,
  session: UserSession,
  input: AddWalletToUserInput,
): Promise<Record<string, never>> {
  const wallet = resolveWallet(input);
  const userId = session.userId;
  if (userId === null) {
    throw new AppError('NOT_FOUND_USER', {
      message: 'This session is not signed in to a user: authenticate SMS and email codes of the user first',
    });
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const owner = await findSigningWallet(trx, wallet.type, wallet.address);
    if (owner?.user_id === userId) return; // already linked: adding again is a no-op
    if (owner)
      throw new AppError('ALREADY_EXISTS_WALLET_ADDRESS', {
        message: 'The wallet is a signing wallet of another user',
        data: { field: 'walletAddress' },
      });
    const proven = await findLinkableWalletSession(trx, {
      clientId: client.id,
      userId,
      type: wallet.type,
      address: wallet.address,
      lastSeenAfter: new Date(now.getTime() - deps.config.session.idleSeconds * 1000),
      now,
    });
    if (!proven) throw new AppError('WALLET_NOT_PROVEN', { data: { field: 'walletAddress' } });
    await addSigningWallet(trx, userId, wallet.address, wallet.type, { clientId: client.id, now });
    // The wallet session did its job; a client session it was opened with now knows its user.
    await revokeSession(trx, proven.id, now);
    if (proven.client_session_hash) await setClientSessionUser(trx, proven.client_session_hash, userId, now);
  });
  return {};
}
