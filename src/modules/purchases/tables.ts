// Table types for migration 0043_purchases_activity.sql (purchase side).
import type { ColumnType } from 'kysely';
import type { Int8, Json, Timestamp } from '../../db/schema.ts';
import type { Numeric } from '../activity/tables.ts';

export type AchType = 'INSTANT' | 'STANDARD';
export type RiskState = 'PENDING' | 'APPROVED' | 'REJECTED';
export type AchState = 'PENDING' | 'ORIGINATED' | 'SETTLED' | 'RETURNED' | 'CANCELLED';
export type PayoutState = 'WAITING' | 'REQUESTED' | 'SUBMITTED' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';

export interface PurchasesTable {
  id: string;
  user_id: string;
  client_id: string;
  bank_id: string;
  wallet_id: string;
  ach_type: AchType;
  network: 'ETHEREUM' | 'POLYGON';
  asset: 'ETH' | 'USDC';
  to_address: string;
  amount_cents: Int8;
  created_at: Timestamp;
  updated_at: Timestamp;
  risk_state: RiskState;
  risk_reason: string | null;
  ach_state: AchState;
  ach_provider_ref: string | null;
  /** A date column: read it through purchaseColumns() (to_char), never as a driver-parsed Date. */
  ach_expected_settlement_date: ColumnType<unknown, string | null | undefined, string | null>;
  ach_return_code: string | null;
  payout_state: PayoutState;
  payout_amount_minor: Numeric | null;
  device_fingerprint: Json<Record<string, unknown>> | null;
}

export interface PurchaseTables {
  purchases: PurchasesTable;
}
