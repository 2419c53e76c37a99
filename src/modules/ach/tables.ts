// Table types for migrations 0041 and 0047 (ACH debits on Plaid Transfer, refunds, the event stream).
import type { ColumnType } from 'kysely';
import type { Int8, Json, NullableInt8, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export type AchDebitStatus = 'AUTHORIZING' | 'AUTHORIZED' | 'DECLINED' | 'PENDING' | 'SETTLED' | 'RETURNED' | 'FAILED';

export type AchRefundStatus = 'REQUESTING' | 'PENDING' | 'POSTED' | 'SETTLED' | 'FAILED' | 'RETURNED' | 'CANCELLED';

export interface AchDebitsTable {
  id: string;
  provider: string;
  provider_ref: string | null;
  amount_cents: Int8<UsdCents>;
  speed: 'INSTANT' | 'STANDARD';
  status: AchDebitStatus;
  return_code: string | null;
  expected_settlement_date: string | null;
  network: string | null;
  ach_class: string | null;
  authorization_id: string | null;
  authorization_attempt: ColumnType<number, number | undefined, number>;
  decline_reason: 'DECLINED' | 'USER_ACTION_REQUIRED' | 'REFUSED' | null;
  decision_code: string | null;
  decision_description: string | null;
  failure_description: string | null;
  settled_at: NullableTimestamp;
  returned_after_settlement: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface AchRefundsTable {
  id: string;
  debit_id: string;
  attempt: number;
  amount_cents: Int8<UsdCents>;
  status: AchRefundStatus;
  provider_ref: string | null;
  failure_code: string | null;
  failure_description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface AchEventCursorsTable {
  provider: string;
  after_id: Int8;
  updated_at: Timestamp;
}

export interface AchEventsTable {
  provider: string;
  event_id: Int8;
  event_type: string;
  transfer_id: string;
  refund_id: string | null;
  sweep_id: string | null;
  occurred_at: Timestamp;
  amount_cents: NullableInt8<UsdCents>;
  failure_code: string | null;
  failure_description: string | null;
  payload: Json<Record<string, unknown>>;
  received_at: Timestamp;
  applied_at: NullableTimestamp;
  outcome: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
}

export interface AchTables {
  ach_debits: AchDebitsTable;
  ach_refunds: AchRefundsTable;
  ach_event_cursors: AchEventCursorsTable;
  ach_events: AchEventsTable;
}
