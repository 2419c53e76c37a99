// SQL for linked banks, the API view (toBankAccount) and what other modules use: getBankForDebit
// (purchases), the User object's connectedBankAccounts reader, and the BANK_UPDATED publication.
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { KeyRing } from '../../lib/crypto.ts';
import type { EventBus } from '../events/publish.ts';
import type { BankAccount } from '../users/bank-accounts-reader.ts';
import type { LinkStatus, VerificationStatus } from './tables.ts';

export type BankRow = Row<'banks'>;

export const accessTokenAad = (bankId: string) => `bank:${bankId}:plaid_access_token`;
export const accountNumberAad = (bankId: string) => `bank:${bankId}:account_number`;

/** The API BankAccount object (types-glossary.md#bankaccount). */
export function toBankAccount(row: BankRow): BankAccount {
  return {
    id: row.id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    name: row.account_name,
    ...(row.mask !== null ? { mask: row.mask } : {}),
    linkStatus: row.link_status,
    verificationStatus: row.verification_status,
  };
}

/** The user's bank (not deleted), or undefined. */
export async function findBank(
  db: Executor,
  userId: string,
  bankId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<BankRow | undefined> {
  let q = db
    .selectFrom('banks')
    .selectAll()
    .where('id', '=', bankId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function currentBank(db: Executor, userId: string): Promise<BankRow | undefined> {
  return db
    .selectFrom('banks')
    .selectAll()
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function findBankByItem(db: Executor, itemId: string): Promise<BankRow | undefined> {
  return db
    .selectFrom('banks')
    .selectAll()
    .where('plaid_item_id', '=', itemId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** connectedBankAccounts of the User object: the user's current bank, if any. */
export async function userBankAccounts(db: Executor, userId: string): Promise<BankAccount[]> {
  const row = await currentBank(db, userId);
  return row ? [toBankAccount(row)] : [];
}

export function decryptAccessToken(keyring: KeyRing, row: BankRow): string {
  return keyring.decrypt(
    { keyId: row.access_token_key_id, ciphertext: row.access_token_ciphertext },
    accessTokenAad(row.id),
  );
}

export interface BankForDebit {
  bankId: string;
  userId: string;
  status: LinkStatus;
  verificationStatus: VerificationStatus;
  accountMask: string | null;
  routingNumber: string;
  /** Decrypted: never log it. */
  accountNumber: string;
  accountName: string;
}

/**
 * What a purchase needs to originate an ACH debit: the bank's state and its decrypted account
 * number. A deleted bank is still returned (status INACTIVE) so in-flight purchases can settle.
 */
export async function getBankForDebit(
  ctx: Pick<AppContext, 'db' | 'secrets'>,
  userId: string,
  bankId: string,
): Promise<BankForDebit | null> {
  const row = await ctx.db
    .selectFrom('banks')
    .selectAll()
    .where('id', '=', bankId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    bankId: row.id,
    userId: row.user_id,
    status: row.deleted_at !== null ? 'INACTIVE' : row.link_status,
    verificationStatus: row.verification_status,
    accountMask: row.mask,
    routingNumber: row.routing_number,
    accountNumber: ctx.secrets.keyring.decrypt(
      { keyId: row.account_number_key_id, ciphertext: row.account_number_ciphertext },
      accountNumberAad(row.id),
    ),
    accountName: row.account_name,
  };
}

/**
 * The Plaid Item and account a debit goes through (Plaid Transfer debits the Item's account): the
 * access token decrypted — never log it. Deleted banks too, like getBankForDebit.
 */
export async function plaidDebitAccount(
  ctx: Pick<AppContext, 'db' | 'secrets'>,
  bankId: string,
): Promise<{ accessToken: string; accountId: string }> {
  const row = await ctx.db.selectFrom('banks').selectAll().where('id', '=', bankId).executeTakeFirstOrThrow();
  return { accessToken: decryptAccessToken(ctx.secrets.keyring, row), accountId: row.plaid_account_id };
}

/** BANK_UPDATED with the BankAccount as the API shows it now, in the changing transaction. */
export async function publishBankUpdated(events: EventBus, trx: Executor, row: BankRow): Promise<void> {
  await events.publish(trx, { userId: row.user_id, type: 'BANK_UPDATED', data: toBankAccount(row) });
}
