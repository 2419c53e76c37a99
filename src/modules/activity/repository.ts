// Activity items: rows → the API's ActivityItem, and the keyset-paged list.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import { ASSETS } from '../../lib/assets.ts';
import { formatCryptoAmount, formatUsd, type Minor, minor, usdCents } from '../../lib/money.ts';
import type { ActivityStatus, CryptoCurrency, Direction, FundingMethod } from './tables.ts';

/** The glossary's Wallet, as recorded with the item. */
export interface ActivityWallet {
  id: string;
  createTime: string;
  updateTime: string;
  address: string;
  name?: string;
  type: 'EVM' | 'SOLANA';
  /** Ratio's Wallet.network: the network this item's crypto is delivered on. */
  network: 'ETHEREUM' | 'POLYGON';
}

/** The glossary's BankAccount, as recorded with the item. */
export interface ActivityBankAccount {
  id?: string;
  createTime?: string;
  updateTime?: string;
  name?: string;
  mask?: string;
  linkStatus?: 'ACTIVE' | 'INACTIVE' | 'LOGIN_REQUIRED';
  verificationStatus?: 'APPROVED' | 'DECLINED' | 'IN_REVIEW';
}

/** An activity item as read: the numeric crypto amount is a bigint of the currency's minor units. */
export type ActivityRow = Omit<Row<'activity_items'>, 'crypto_amount_minor'> & { crypto_amount_minor: Minor };

/** The boundary for every read of activity_items (here and in the purchase's repository). */
export function activityRow<R extends { crypto_amount_minor: string }>(
  row: R,
): Omit<R, 'crypto_amount_minor'> & { crypto_amount_minor: Minor } {
  return { ...row, crypto_amount_minor: minor(BigInt(row.crypto_amount_minor)) };
}

export interface ActivityItem {
  id: string;
  createTime: string;
  updateTime: string;
  fiat: {
    status: ActivityStatus;
    currency: 'USD';
    amount: string;
    direction: Direction;
    fundingMethod: FundingMethod;
    bankAccount?: ActivityBankAccount;
  };
  crypto: {
    status: ActivityStatus;
    currency: CryptoCurrency;
    wallet?: ActivityWallet;
    direction: Direction;
    amount: string;
    price: string;
    fee: string;
    transactionHash?: string;
  };
  metadata: Record<string, unknown>;
}

export function toActivityItem(row: ActivityRow): ActivityItem {
  const fiat: ActivityItem['fiat'] = {
    status: row.fiat_status,
    currency: row.fiat_currency,
    amount: formatUsd(row.fiat_amount_cents),
    direction: row.fiat_direction,
    fundingMethod: row.funding_method,
  };
  if (row.bank_account) fiat.bankAccount = row.bank_account as ActivityBankAccount;
  const crypto: ActivityItem['crypto'] = {
    status: row.crypto_status,
    currency: row.crypto_currency,
    direction: row.crypto_direction,
    amount: formatCryptoAmount(row.crypto_amount_minor, row.crypto_currency),
    price: formatUsd(row.price_cents),
    fee: formatUsd(usdCents(row.fee_cents + row.network_fee_cents)),
  };
  // Recorded as the Wallet was at purchase time; `network` is the purchase's (older records lack it).
  if (row.wallet)
    crypto.wallet = {
      ...(row.wallet as unknown as Omit<ActivityWallet, 'network'>),
      network: ASSETS[row.crypto_currency].network,
    };
  if (row.transaction_hash) crypto.transactionHash = row.transaction_hash;
  return {
    id: row.id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    fiat,
    crypto,
    metadata: {
      ...row.metadata,
      ratioFee: formatUsd(row.fee_cents),
      networkFee: formatUsd(row.network_fee_cents),
      estimated: row.crypto_amount_estimated,
    },
  };
}

export async function findActivity(db: Executor, userId: string, activityId: string): Promise<ActivityRow | undefined> {
  const row = await db
    .selectFrom('activity_items')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', activityId)
    .executeTakeFirst();
  return row && activityRow(row);
}

export interface ActivityFilters {
  fromCreateTime?: string;
  toCreateTime?: string;
  walletId?: string;
  cryptoCurrency?: CryptoCurrency;
  cryptoStatus?: ActivityStatus[];
  fiatStatus?: ActivityStatus[];
  /** Only items made through this client (the partner dashboard; the API lists every client's). */
  clientId?: string;
}

/** Where the previous page ended: its last item's exact created_at (as PostgreSQL text) and id. */
export interface ActivityCursor {
  createdAt: string;
  id: string;
}

/**
 * One page, newest first, ordered by (created_at, id) descending so items created in the same
 * microsecond still page exactly once. Returns up to `limit + 1` rows so the caller knows whether
 * another page exists.
 */
export async function listActivity(
  db: Executor,
  userId: string,
  filters: ActivityFilters,
  after: ActivityCursor | undefined,
  limit: number,
): Promise<Array<ActivityRow & { created_at_text: string }>> {
  let q = db
    .selectFrom('activity_items')
    .selectAll()
    .select(sql<string>`created_at::text`.as('created_at_text'))
    .where('user_id', '=', userId);
  if (filters.fromCreateTime) q = q.where('created_at', '>=', new Date(filters.fromCreateTime));
  if (filters.toCreateTime) q = q.where('created_at', '<=', new Date(filters.toCreateTime));
  if (filters.walletId) q = q.where('wallet_id', '=', filters.walletId);
  if (filters.cryptoCurrency) q = q.where('crypto_currency', '=', filters.cryptoCurrency);
  if (filters.cryptoStatus?.length) q = q.where('crypto_status', 'in', filters.cryptoStatus);
  if (filters.fiatStatus?.length) q = q.where('fiat_status', 'in', filters.fiatStatus);
  if (filters.clientId) q = q.where('client_id', '=', filters.clientId);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map(activityRow);
}
