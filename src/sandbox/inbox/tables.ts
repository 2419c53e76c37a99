// Table types for migration 0011_sandbox_inbox.sql.
import type { Timestamp } from '../../db/column-types.ts';

export interface SandboxMessagesTable {
  id: string;
  client_id: string | null;
  channel: 'SMS' | 'EMAIL';
  recipient: string;
  subject: string | null;
  text_body: string;
  html_body: string | null;
  created_at: Timestamp;
}

export interface SandboxInboxTables {
  sandbox_messages: SandboxMessagesTable;
}
