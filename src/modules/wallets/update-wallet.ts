// PATCH /v1/users/{userId}/wallets/{walletId} (and the legacy POST): rename a wallet.
import { AppError } from '../../errors/app-error.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import type { WalletDeps } from './connect-wallet.ts';
import { renameWallet } from './repository.ts';
import { toWallet, walletName, type Wallet } from './view.ts';

export async function updateWallet(deps: WalletDeps, userId: string, walletId: string, input: { name: string }): Promise<Wallet> {
  const name = walletName(input.name, false);
  await assertFlagsAllow(deps.db, userId, 'UPDATE_PROFILE');
  const row = await renameWallet(deps.db, userId, walletId, name, deps.clock.now());
  if (!row) throw new AppError('NOT_FOUND_WALLET', { message: `The user has no wallet ${walletId}`, data: { field: 'walletId' } });
  return toWallet(row);
}
