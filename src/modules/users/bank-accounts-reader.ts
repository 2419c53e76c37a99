// The User object lists the user's connected bank accounts, which the Banks module owns. Banks
// registers its reader at start (registerUserBankAccountsReader); until then a user has none.
import type { Executor } from '../../db/index.ts';

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
