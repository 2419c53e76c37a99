// The User object lists the user's connected bank accounts and deposit wallets, which the Banks and
// Wallets modules own. Each registers its reader at start; until then a user has none.
import type { Executor } from '../../db/index.ts';
import type { Wallet } from '../wallets/view.ts';

/** The API BankAccount object (types-glossary.md#bankaccount). */
export interface BankAccount {
  id: string;
  createTime: string;
  updateTime: string;
  name?: string;
  mask?: string;
  linkStatus?: 'ACTIVE' | 'INACTIVE' | 'LOGIN_REQUIRED';
  verificationStatus?: 'APPROVED' | 'DECLINED' | 'IN_REVIEW';
}

export type UserBankAccountsReader = (db: Executor, userId: string) => Promise<BankAccount[]>;

let reader: UserBankAccountsReader = async () => [];

export function registerUserBankAccountsReader(fn: UserBankAccountsReader): void {
  reader = fn;
}

export function readUserBankAccounts(db: Executor, userId: string): Promise<BankAccount[]> {
  return reader(db, userId);
}

/** The API Wallet object, as the Wallets module returns it. */
export type UserWallet = Wallet;

export type UserWalletsReader = (db: Executor, userId: string) => Promise<UserWallet[]>;

let walletsReader: UserWalletsReader = async () => [];

export function registerUserWalletsReader(fn: UserWalletsReader): void {
  walletsReader = fn;
}

export function readUserWallets(db: Executor, userId: string): Promise<UserWallet[]> {
  return walletsReader(db, userId);
}
