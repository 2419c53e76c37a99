// DELETE /v1/users/{userId}/wallets/{walletId}: removes a deposit wallet. Not a signing wallet of the
// user (it is how they sign in: it stays their deposit address too), and not a wallet a purchase is
// still paying into (its crypto leg PENDING). The user row is locked like a purchase locks it, so a
// purchase and a removal of its wallet happen one after the other: either the purchase is refused
// (404 NOT_FOUND_WALLET) or the removal is (409 WALLET_HAS_PENDING_PURCHASE). Activity keeps the
// wallet as it was when each purchase was made.
import { AppError } from '../../errors/app-error.ts';
import { findSigningWallet } from '../auth/repository.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { auditUserAction, type RequestActor } from '../users/audit.ts';
import type { WalletDeps } from './connect-wallet.ts';
import { deleteUserWallet, findUserWallet, lockWalletOwner, pendingPurchasesTo } from './repository.ts';

export async function deleteWallet(
  deps: WalletDeps,
  userId: string,
  walletId: string,
  actor: RequestActor,
): Promise<void> {
  await assertFlagsAllow(deps.db, userId, 'UPDATE_PROFILE');
  await deps.db.transaction().execute(async (trx) => {
    await lockWalletOwner(trx, userId);
    const wallet = await findUserWallet(trx, userId, walletId);
    if (!wallet)
      throw new AppError('NOT_FOUND_WALLET', {
        message: `The user has no wallet ${walletId}`,
        data: { field: 'walletId' },
      });
    const signing = await findSigningWallet(trx, wallet.type, wallet.address);
    if (signing?.user_id === userId)
      throw new AppError('WALLET_IS_SIGNING_WALLET', { data: { field: 'walletId', address: wallet.address } });
    const pending = await pendingPurchasesTo(trx, userId, walletId);
    if (pending.length > 0)
      throw new AppError('WALLET_HAS_PENDING_PURCHASE', { data: { field: 'walletId', activityIds: pending } });
    await deleteUserWallet(trx, userId, walletId);
    await auditUserAction(trx, actor, {
      action: 'wallet.delete',
      userId,
      subjectType: 'WALLET',
      subjectId: walletId,
      at: deps.clock.now(),
      details: { address: wallet.address },
    });
  });
}
