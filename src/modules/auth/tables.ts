// Table types for migrations 0010_auth.sql and 0012_otp_failure_cap.sql.
import type { Generated } from 'kysely';
import type { Timestamp, NullableTimestamp } from '../../db/column-types.ts';
import type { WalletType } from '../../lib/addresses.ts';
import type { Factor } from '../../plugins/types.ts';

export type OtpChannel = 'SMS' | 'EMAIL';

export interface SigningWalletsTable {
  id: string;
  user_id: string;
  wallet_type: WalletType;
  address: string;
  added_by_client_id: string | null;
  created_at: Timestamp;
}

export interface WalletChallengesTable {
  id: string;
  client_id: string;
  wallet_type: WalletType;
  address: string;
  nonce: string;
  message: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface AuthSessionsTable {
  id: string;
  client_id: string;
  client_session_hash: Buffer | Uint8Array | null;
  user_id: string | null;
  factors: Factor[];
  wallet_type: WalletType | null;
  wallet_address: string | null;
  phone: string | null;
  email: string | null;
  link_user_id: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface OtpCodesTable {
  id: string;
  client_id: string;
  channel: OtpChannel;
  destination: string;
  code_hash: string;
  attempts: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

export interface AuthThrottlesTable {
  key: string;
  count: number;
  window_started_at: Timestamp;
  last_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  /** Wrong codes since the last correct one, across lockouts (0012). */
  consecutive_failures: Generated<number>;
  /** Set when consecutive_failures reached the cap: blocked until an operator unlocks it. */
  blocked_at: NullableTimestamp;
}

export interface AuthTables {
  signing_wallets: SigningWalletsTable;
  wallet_challenges: WalletChallengesTable;
  auth_sessions: AuthSessionsTable;
  otp_codes: OtpCodesTable;
  auth_throttles: AuthThrottlesTable;
}
