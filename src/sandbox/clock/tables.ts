// Table types for migration 0041_ach_and_sandbox_clock.sql (the sandbox clock).
import type { Int8, Timestamp } from '../../db/column-types.ts';

export interface SandboxClockTable {
  id: boolean;
  offset_ms: Int8;
  updated_at: Timestamp;
}

export interface SandboxClockTables {
  sandbox_clock: SandboxClockTable;
}
