// Tables of on-chain payout (migration 0045). See docs/payouts.md.
import type { ColumnType } from 'kysely';
import type { NullableInt8, NullableTimestamp, Numeric, Timestamp } from '../../db/column-types.ts';
import type { Network } from '../../chains/networks.ts';

export const PAYOUT_STATUSES = ['PENDING', 'SIGNED', 'SUBMITTED', 'CONFIRMED', 'FAILED', 'FAILED_RETRYABLE'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
export const PAYOUT_ASSETS = ['ETH', 'USDC'] as const;
export type PayoutAsset = (typeof PAYOUT_ASSETS)[number];

export interface HotWalletsTable {
  network: Network;
  address: string;
  next_nonce: NullableInt8;
  lease_token: string | null;
  lease_expires_at: NullableTimestamp;
  halted_reason: string | null;
  updated_at: Timestamp;
}

export interface PayoutsTable {
  id: string;
  network: Network;
  asset: PayoutAsset;
  to_address: string;
  amount_minor: Numeric;
  status: ColumnType<PayoutStatus, PayoutStatus | undefined, PayoutStatus>;
  from_address: string | null;
  nonce: NullableInt8;
  tx_hash: string | null;
  raw_tx: string | null;
  block_number: NullableInt8;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableTimestamp;
  last_error: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  signed_at: NullableTimestamp;
  submitted_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface PayoutTables {
  hot_wallets: HotWalletsTable;
  payouts: PayoutsTable;
}
