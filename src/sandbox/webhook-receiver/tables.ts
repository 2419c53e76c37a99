// Table types for migration 0051_sandbox_webhook_receiver.sql.
import type { Json, Timestamp } from '../../db/column-types.ts';

export interface SandboxWebhookReceiptsTable {
  id: string;
  client_id: string;
  headers: Json<Record<string, string>>;
  body: string;
  received_at: Timestamp;
}

export interface SandboxWebhookReceiverTables {
  sandbox_webhook_receipts: SandboxWebhookReceiptsTable;
}
