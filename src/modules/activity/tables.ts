// Table types for migration 0043_purchases_activity.sql (activity side).
import type { ColumnType } from 'kysely';
import type { Int8, Json, NullableTimestamp, Numeric, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export const ACTIVITY_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
export const CRYPTO_CURRENCIES = ['ETH', 'USDC_ETHEREUM', 'USDC_POLYGON'] as const;
export type CryptoCurrency = (typeof CRYPTO_CURRENCIES)[number];
export const DIRECTIONS = ['CREDIT', 'DEBIT'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const FUNDING_METHODS = ['ACH_ORIGINATED_STANDARD', 'ACH_ORIGINATED_INSTANT', 'ACH_RECEIVED'] as const;
export type FundingMethod = (typeof FUNDING_METHODS)[number];

export interface ActivityItemsTable {
  id: string;
  user_id: string;
  client_id: string;
  kind: 'ACH_PURCHASE';
  created_at: Timestamp;
  updated_at: Timestamp;
  fiat_status: ActivityStatus;
  fiat_currency: 'USD';
  fiat_amount_cents: Int8<UsdCents>;
  fiat_direction: Direction;
  funding_method: FundingMethod;
  bank_id: string | null;
  bank_account: Json<Record<string, unknown>> | null;
  crypto_status: ActivityStatus;
  crypto_currency: CryptoCurrency;
  crypto_direction: Direction;
  wallet_id: string | null;
  wallet: Json<Record<string, unknown>> | null;
  crypto_amount_minor: Numeric;
  crypto_amount_estimated: boolean;
  price_cents: Int8<UsdCents>;
  fee_cents: Int8<UsdCents>;
  network_fee_cents: Int8<UsdCents>;
  transaction_hash: string | null;
  crypto_completed_at: NullableTimestamp;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface ActivityTables {
  activity_items: ActivityItemsTable;
}
