// Table types for migration 0070_dashboard.sql.
import type { ColumnType, Generated } from 'kysely';
import type { Int8, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export type MemberRole = 'ADMIN' | 'VIEWER';

export interface DashboardMembersTable {
  id: string;
  client_id: string;
  email: string;
  role: MemberRole;
  invited_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: NullableTimestamp;
}

export interface DashboardSignInCodesTable {
  id: string;
  email: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

export interface DashboardSignInLinksTable {
  token_hash: Buffer | Uint8Array;
  member_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface DashboardSessionsTable {
  id_hash: Buffer | Uint8Array;
  member_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface RequestLogTable {
  id: Generated<Int8>;
  client_id: string;
  at: Timestamp;
  method: string;
  route: string;
  status: number;
  latency_us: number;
  request_id: string;
  error_code: string | null;
}

export interface FunnelWalletsTable {
  client_id: string;
  wallet_type: 'EVM' | 'SOLANA';
  address: string;
  connected_at: Timestamp;
  phone_entered_at: NullableTimestamp;
  sms_verified_at: NullableTimestamp;
}

/** A partner's share of one purchase's fee (src/modules/purchases/revenue-share.ts). */
export interface RevenueSharesTable {
  purchase_id: string;
  client_id: string;
  ach_type: 'INSTANT' | 'STANDARD';
  purchase_created_at: Timestamp;
  bps: number;
  fee_cents: Int8<UsdCents>;
  share_cents: Int8<UsdCents>;
  status: 'ACCRUED' | 'REVERSED';
  accrued_at: Timestamp;
  reversed_at: NullableTimestamp;
  reversal_reason: string | null;
}

/** A `date` column: read it with to_char (drivers turn dates into local-time Dates). */
type DateText = ColumnType<unknown, string, string>;

export interface DashboardDailyActivityTable {
  client_id: string;
  day: DateText;
  ach_type: 'INSTANT' | 'STANDARD';
  shard: number;
  transactions: Generated<number>;
  volume_cents: Generated<Int8<UsdCents>>;
  fee_cents: Generated<Int8<UsdCents>>;
  revenue_cents: Generated<Int8<UsdCents>>;
}

export interface DashboardDailyUsersTable {
  client_id: string;
  day: DateText;
  user_id: string;
  transactions: Generated<number>;
}

export interface DashboardTables {
  dashboard_members: DashboardMembersTable;
  dashboard_sign_in_codes: DashboardSignInCodesTable;
  dashboard_sign_in_links: DashboardSignInLinksTable;
  dashboard_sessions: DashboardSessionsTable;
  request_log: RequestLogTable;
  funnel_wallets: FunnelWalletsTable;
  revenue_shares: RevenueSharesTable;
  dashboard_daily_activity: DashboardDailyActivityTable;
  dashboard_daily_users: DashboardDailyUsersTable;
}
