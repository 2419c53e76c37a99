// Tables of on-chain delivery (migration 0045). See docs/delivery.md.
import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../../db/schema.ts';
import type { Network } from '../../chains/networks.ts';

export const DELIVERY_STATUSES = ['PENDING', 'SIGNED', 'SUBMITTED', 'CONFIRMED', 'FAILED', 'FAILED_RETRYABLE'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_ASSETS = ['ETH', 'USDC'] as const;
export type DeliveryAsset = (typeof DELIVERY_ASSETS)[number];

/** numeric(78,0): read as a decimal string (both drivers), written as bigint or string. */
type Numeric = ColumnType<string, bigint | string, bigint | string>;

export interface DeliverySendersTable {
  network: Network;
  address: string;
  next_nonce: ColumnType<bigint | null, bigint | string | null | undefined, bigint | string | null>;
  lease_token: string | null;
  lease_expires_at: NullableTimestamp;
  halted_reason: string | null;
  updated_at: Timestamp;
}

export interface DeliveriesTable {
  id: string;
  network: Network;
  asset: DeliveryAsset;
  to_address: string;
  amount_minor: Numeric;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  from_address: string | null;
  nonce: ColumnType<bigint | null, bigint | string | null | undefined, bigint | string | null>;
  tx_hash: string | null;
  raw_tx: string | null;
  block_number: ColumnType<bigint | null, bigint | string | null | undefined, bigint | string | null>;
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

export interface DeliveryTables {
  delivery_senders: DeliverySendersTable;
  deliveries: DeliveriesTable;
}
