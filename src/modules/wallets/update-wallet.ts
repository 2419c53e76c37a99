// PATCH /v1/users/{userId}/wallets/{walletId} (and the legacy POST): rename a wallet.
import { AppError } from '../../errors/app-error.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { auditUserAction, type RequestActor } from '../users/audit.ts';
import type { WalletDeps } from './connect-wallet.ts';
import { renameWallet } from './repository.ts';
import { toWallet, walletName, type Wallet } from './view.ts';

export async function updateWallet(
  deps: WalletDeps,
  userId: string,
  walletId: string,
  input: { name: string },
  actor: RequestActor,
): Promise<Wallet> {
  const name = walletName(input.name, false);
  await assertFlagsAllow(deps.db, userId, 'UPDATE_PROFILE');
  const row = await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const renamed = await renameWallet(trx, userId, walletId, name, now);
    if (renamed)
      await auditUserAction(trx, actor, {
        action: 'wallet.rename',
        userId,
        subjectType: 'WALLET',
        subjectId: walletId,
        at: now,
        details: { name },
      });
    return renamed;
  });
  if (!row)
    throw new AppError('NOT_FOUND_WALLET', {
      message: `The user has no wallet ${walletId}`,
      data: { field: 'walletId' },
    });
  return toWallet(row);
}
