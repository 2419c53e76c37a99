// Table types for migration 0041_ach_and_sandbox_clock.sql (ACH debits).
import type { Int8, NullableTimestamp, Timestamp } from '../../db/schema.ts';

export type AchDebitStatus = 'PENDING' | 'SETTLED' | 'RETURNED';

export interface AchDebitsTable {
  id: string;
  provider: string;
  provider_ref: string;
  amount_cents: Int8;
  speed: 'INSTANT' | 'STANDARD';
  status: AchDebitStatus;
  return_code: string | null;
  expected_settlement_date: string;
  next_check_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface AchTables {
  ach_debits: AchDebitsTable;
}
