import type { Generated } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../../db/column-types.ts';

/** The overall KYC status of a submission (NOT_STARTED is the absence of a row). */
export type KycSubmissionStatus = 'SUBMITTED' | 'IN_REVIEW' | 'APPROVED' | 'DECLINED';
/** Ratio's KycResult enum, per check. */
export type KycResult = 'UNKNOWN' | 'NOT_STARTED' | 'SUBMITTED' | 'IN_REVIEW' | 'APPROVED' | 'DECLINED';

export interface KycSubmissionsTable {
  user_id: string;
  status: KycSubmissionStatus;
  address_result: KycResult;
  dob_result: KycResult;
  fraud_result: KycResult;
  idv_result: KycResult;
  /** A `date` column; read as 'YYYY-MM-DD' text (see repository). */
  date_of_birth: string;
  id_type: 'SSN';
  ssn_ciphertext: string;
  ssn_key_id: string;
  ssn_last4: string;
  ssn_index: string;
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postal_code: string;
  provider: string;
  provider_reference: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  submitted_at: Timestamp;
  decided_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A vendor verification behind a submission (migration 0021): the first attempt and its retries. */
export interface KycVerificationsTable {
  id: string;
  user_id: string;
  provider: string;
  template_id: string | null;
  previous_id: string | null;
  status: string;
  documentary_status: string | null;
  shareable_url_ciphertext: string | null;
  shareable_url_key_id: string | null;
  vendor_created_at: Timestamp;
  completed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  polls: Generated<number>;
  retry_claimed_at: NullableTimestamp;
}

export interface KycTables {
  kyc_submissions: KycSubmissionsTable;
  kyc_verifications: KycVerificationsTable;
}
