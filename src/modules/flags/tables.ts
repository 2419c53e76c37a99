import type { NullableTimestamp, Timestamp } from '../../db/column-types.ts';

export interface UserFlagsTable {
  id: string;
  user_id: string;
  code: string;
  reason: string;
  /** `SYSTEM:<component>` or `OPERATOR:<name>`. */
  set_by: string;
  set_at: Timestamp;
  cleared_by: string | null;
  cleared_reason: string | null;
  cleared_at: NullableTimestamp;
}

export interface FlagTables {
  user_flags: UserFlagsTable;
}
