// Table types for migration 0042_idempotency_keys.sql.
import type { Timestamp } from '../db/column-types.ts';

export interface IdempotencyKeysTable {
  client_id: string;
  key: string;
  request_hash: string;
  status: 'IN_FLIGHT' | 'DONE';
  owner: string;
  locked_until: Timestamp;
  response_status: number | null;
  response_content_type: string | null;
  response_body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}
