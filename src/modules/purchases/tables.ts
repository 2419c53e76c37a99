// Table types for migrations 0043 and 0047 (purchase side).
import type { ColumnType } from 'kysely';
import type { Int8, Json, Numeric, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export type AchType = 'INSTANT' | 'STANDARD';
export type RiskState = 'PENDING' | 'APPROVED' | 'REJECTED';
export type AchState = 'PENDING' | 'ORIGINATED' | 'SETTLED' | 'RETURNED' | 'FAILED' | 'RETURNED_LATE' | 'CANCELLED';
export type PayoutState = 'WAITING' | 'REQUESTED' | 'SUBMITTED' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';
export type RefundState = 'NONE' | 'REQUIRED' | 'PENDING' | 'SETTLED' | 'FAILED' | 'NOT_NEEDED';

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
  amount_cents: Int8<UsdCents>;
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
  refund_state: ColumnType<RefundState, RefundState | undefined, RefundState>;
  /** Why the purchase is refunded: DELIVERY_FAILED, REQUOTE_REFUSED, OPERATOR. */
  refund_reason: string | null;
  /** The ACH refund's id (src/modules/ach). */
  refund_ref: string | null;
  device_fingerprint: Json<Record<string, unknown>> | null;
}

export interface PurchaseTables {
  purchases: PurchasesTable;
}
