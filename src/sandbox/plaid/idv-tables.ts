// Table types for migration 0032_sandbox_plaid_identity_verification.sql.
import type { Json, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { IdvStatus, IdvSteps } from './idv-checks.ts';

export interface SandboxIdentityVerificationsTable {
  id: string;
  plaid_client_id: string;
  client_user_id: string;
  template_id: string;
  template_version: number;
  previous_attempt_id: string | null;
  status: IdvStatus;
  steps: Json<IdvSteps>;
  user_key_id: string;
  user_ciphertext: string;
  kyc_check: Json<Record<string, unknown> | null>;
  documentary_verification: Json<Record<string, unknown> | null>;
  risk_check: Json<Record<string, unknown> | null>;
  is_shareable: boolean;
  documents_required: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface SandboxIdvTables {
  sandbox_plaid_identity_verifications: SandboxIdentityVerificationsTable;
}
