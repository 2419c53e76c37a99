// Table types for migration 0050_webhooks.sql.
import type { Generated } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../../db/column-types.ts';

export type WebhookStatus = 'ACTIVE' | 'DISABLED';
export type DeliveryStatus = 'SCHEDULED' | 'QUEUED' | 'SENDING' | 'SUCCEEDED' | 'FAILED';
export type DeliveryKind = 'EVENT' | 'TEST';

export interface WebhooksTable {
  id: string;
  client_id: string;
  name: string | null;
  url: string;
  events: string[];
  secret_ciphertext: string;
  secret_key_id: string;
  previous_secret_ciphertext: string | null;
  previous_secret_key_id: string | null;
  previous_secret_expires_at: NullableTimestamp;
  status: Generated<WebhookStatus>;
  disabled_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  kind: DeliveryKind;
  event_id: string;
  event_type: string;
  user_id: string | null;
  body: string;
  status: DeliveryStatus;
  attempt_count: Generated<number>;
  series_attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  lease_until: NullableTimestamp;
  /** The consumer that claimed it (a SENDING delivery), migration 0052. */
  claimed_by: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt_number: number;
  started_at: Timestamp;
  latency_ms: number;
  status_code: number | null;
  response_snippet: string | null;
  error: string | null;
  succeeded: boolean;
}

export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
