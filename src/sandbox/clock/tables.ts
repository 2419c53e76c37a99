// Table types for migration 0041_ach_and_sandbox_clock.sql (sandbox side).
import type { Int8, NullableTimestamp, Timestamp } from '../../db/schema.ts';

export interface SandboxClockTable {
  id: boolean;
  offset_ms: Int8;
  updated_at: Timestamp;
}

export interface SandboxAchTransfersTable {
  id: string;
  provider_ref: string;
  amount_cents: Int8;
  speed: 'INSTANT' | 'STANDARD';
  routing_number: string;
  account_mask: string;
  outcome: 'SETTLE' | 'RETURN' | 'REJECT';
  return_code: string | null;
  reject_reason: string | null;
  effective_date: string | null;
  settlement_date: string | null;
  resolves_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface SandboxClockTables {
  sandbox_clock: SandboxClockTable;
  sandbox_ach_transfers: SandboxAchTransfersTable;
}
