// Table types for migration 0033_sandbox_plaid_transfer.sql (Plaid Transfer in the built-in sandbox).
import type { Int8, Json, NullableInt8, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export type SandboxTransferStatus =
  | 'pending'
  | 'posted'
  | 'settled'
  | 'funds_available'
  | 'cancelled'
  | 'failed'
  | 'returned';
export type SandboxRefundStatus = 'pending' | 'posted' | 'settled' | 'cancelled' | 'failed' | 'returned';
export type SandboxDecision = 'approved' | 'declined' | 'user_action_required';

export interface SandboxPlaidTransferAuthorizationsTable {
  id: string;
  plaid_client_id: string;
  idempotency_key: string | null;
  item_id: string;
  account_id: string;
  type: 'debit' | 'credit';
  network: string;
  ach_class: string | null;
  amount_cents: Int8<UsdCents>;
  user_legal_name: string;
  user_email: string | null;
  user_phone: string | null;
  decision: SandboxDecision;
  rationale_code: string | null;
  rationale_description: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface SandboxPlaidTransfersTable {
  id: string;
  plaid_client_id: string;
  authorization_id: string;
  item_id: string;
  account_id: string;
  type: 'debit' | 'credit';
  network: string;
  ach_class: string | null;
  amount_cents: Int8<UsdCents>;
  description: string;
  metadata: Json<Record<string, string>> | null;
  user_legal_name: string;
  user_email: string | null;
  user_phone: string | null;
  status: SandboxTransferStatus;
  sweep_status: 'unswept' | 'swept' | 'swept_settled' | 'return_swept' | null;
  failure_code: string | null;
  failure_description: string | null;
  planned_outcome: 'SETTLE' | 'RETURN';
  planned_return_code: string | null;
  posts_at: Timestamp;
  settles_at: Timestamp;
  next_step_at: NullableTimestamp;
  expected_settlement_date: string;
  settled_on: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SandboxPlaidTransferRefundsTable {
  id: string;
  plaid_client_id: string;
  transfer_id: string;
  idempotency_key: string;
  amount_cents: Int8<UsdCents>;
  status: SandboxRefundStatus;
  failure_code: string | null;
  failure_description: string | null;
  posts_at: Timestamp;
  settles_at: Timestamp;
  next_step_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SandboxPlaidTransferSweepsTable {
  id: string;
  plaid_client_id: string;
  amount_cents: Int8<UsdCents>;
  created_at: Timestamp;
  settled_on: string;
}

export interface SandboxPlaidTransferLedgersTable {
  plaid_client_id: string;
  available_cents: Int8<UsdCents>;
  pending_cents: Int8<UsdCents>;
  updated_at: Timestamp;
}

export interface SandboxPlaidTransferEventsTable {
  event_id: Int8;
  plaid_client_id: string;
  event_type: string;
  transfer_id: string;
  account_id: string | null;
  transfer_type: string | null;
  transfer_amount_cents: NullableInt8<UsdCents>;
  event_amount_cents: NullableInt8<UsdCents>;
  refund_id: string | null;
  sweep_id: string | null;
  sweep_amount_cents: NullableInt8<UsdCents>;
  failure_code: string | null;
  failure_description: string | null;
  created_at: Timestamp;
}

export interface SandboxPlaidTransferTables {
  sandbox_plaid_transfer_authorizations: SandboxPlaidTransferAuthorizationsTable;
  sandbox_plaid_transfers: SandboxPlaidTransfersTable;
  sandbox_plaid_transfer_refunds: SandboxPlaidTransferRefundsTable;
  sandbox_plaid_transfer_sweeps: SandboxPlaidTransferSweepsTable;
  sandbox_plaid_transfer_ledgers: SandboxPlaidTransferLedgersTable;
  sandbox_plaid_transfer_events: SandboxPlaidTransferEventsTable;
}
