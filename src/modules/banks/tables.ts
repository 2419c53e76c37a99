// Table types for migration 0031_banks.sql.
import type { NullableInt8, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export type LinkStatus = 'ACTIVE' | 'INACTIVE' | 'LOGIN_REQUIRED';
export type VerificationStatus = 'APPROVED' | 'DECLINED' | 'IN_REVIEW';
export type VerificationState = 'WAITING_FOR_KYC' | 'MANUAL_REVIEW' | 'DONE';

export interface BanksTable {
  id: string;
  user_id: string;
  client_id: string;
  plaid_item_id: string;
  access_token_key_id: string;
  access_token_ciphertext: string;
  institution_id: string | null;
  institution_name: string | null;
  plaid_account_id: string;
  account_name: string;
  account_official_name: string | null;
  account_subtype: string | null;
  mask: string | null;
  routing_number: string;
  account_number_key_id: string;
  account_number_ciphertext: string;
  owner_names: string[];
  available_cents: NullableInt8<UsdCents>;
  current_cents: NullableInt8<UsdCents>;
  balance_at: NullableTimestamp;
  link_status: LinkStatus;
  verification_status: VerificationStatus;
  verification_state: VerificationState;
  verification_detail: string | null;
  verified_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface BankTables {
  banks: BanksTable;
}
