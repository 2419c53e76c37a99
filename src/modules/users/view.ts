// The API User object: the user row, KYC results, connected bank accounts (Banks module), deposit wallets
// (Wallets module) and active flags.
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { activeFlags, FLAGS, type FlagCode } from '../flags/index.ts';
import { getKyc } from '../kyc/repository.ts';
import type { Kyc } from '../kyc/view.ts';
import { readUserBankAccounts, readUserWallets, type BankAccount, type UserWallet } from './bank-accounts-reader.ts';
import { findUser, type UserRow } from './repository.ts';

export interface User {
  id: string;
  createTime: string;
  updateTime: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  email: string;
  country: string;
  phone: string;
  /** Ratio's User.preferredMfaMethod: SMS codes are the second factor onramp offers (no TOTP). */
  preferredMfaMethod: 'OTP_SMS';
  nationality?: string;
  occupation?: string;
  kyc: Kyc;
  connectedBankAccounts: BankAccount[];
  wallets: UserWallet[];
  flags: Array<{ code: FlagCode; description: string; createTime: string }>;
}

/** `+12015550123` → `+1******0123`: the country code and the last four digits only. */
export function maskUserPhone(e164: string): string {
  return `+1${'*'.repeat(Math.max(0, e164.length - 6))}${e164.slice(-4)}`;
}

export async function toUser(db: Executor, row: UserRow): Promise<User> {
  const [kyc, banks, wallets, flags] = [
    await getKyc(db, row.id),
    await readUserBankAccounts(db, row.id),
    await readUserWallets(db, row.id),
    await activeFlags(db, row.id),
  ];
  return {
    id: row.id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    firstName: row.first_name,
    ...(row.middle_name !== null ? { middleName: row.middle_name } : {}),
    lastName: row.last_name,
    email: row.email,
    country: row.country,
    phone: maskUserPhone(row.phone),
    preferredMfaMethod: 'OTP_SMS',
    ...(row.nationality !== null ? { nationality: row.nationality } : {}),
    ...(row.occupation !== null ? { occupation: row.occupation } : {}),
    kyc,
    connectedBankAccounts: banks,
    wallets,
    flags: flags.map((f) => ({
      code: f.code,
      description: FLAGS[f.code].description,
      createTime: f.setAt.toISOString(),
    })),
  };
}

export async function loadUser(db: Executor, userId: string): Promise<User> {
  const row = await findUser(db, userId);
  if (!row) throw new AppError('NOT_FOUND_USER', { data: { field: 'userId' } });
  return toUser(db, row);
}
