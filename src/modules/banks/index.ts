// The Banks module: routes, the User object's connectedBankAccounts, and verification that waits
// for KYC (KYC_UPDATED events).
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { registerUserBankAccountsReader } from '../users/bank-accounts-reader.ts';
import { userBankAccounts } from './repository.ts';
import { bankSchemas, registerBankRoutes } from './routes.ts';
import { verifyWaitingBank } from './verify-bank.ts';

function bankJobs(ctx: AppContext): void {
  registerUserBankAccountsReader(userBankAccounts);
  ctx.events.subscribe(async (event) => {
    if (event.type === 'KYC_UPDATED' && event.userId) await verifyWaitingBank(ctx, event.userId);
  });
}

export const banksModule: Module = { name: 'banks', schemas: bankSchemas, routes: registerBankRoutes, jobs: bankJobs };
