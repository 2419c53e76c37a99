// The Wallets module: routes, and the User object's `wallets` (its deposit wallets, oldest first).
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { registerUserWalletsReader } from '../users/bank-accounts-reader.ts';
import { pageUserWallets } from './repository.ts';
import { registerWalletRoutes, walletSchemas } from './routes.ts';
import { toWallet } from './view.ts';

// More than any per-user wallet limit allows: the User object lists them all.
const USER_WALLETS_LISTED = 100;

function walletJobs(_ctx: AppContext): void {
  registerUserWalletsReader(async (db, userId) =>
    (await pageUserWallets(db, userId, { limit: USER_WALLETS_LISTED })).slice(0, USER_WALLETS_LISTED).map(toWallet),
  );
}

export const walletsModule: Module = {
  name: 'wallets',
  schemas: walletSchemas,
  routes: registerWalletRoutes,
  jobs: walletJobs,
};
