import type { Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from '../../db/column-types.ts';

export interface EmailsTable {
  id: string;
  user_id: string | null;
  client_id: string | null;
  recipient: string;
  template: string;
  vars: Json<Record<string, string>>;
  dedupe_key: string | null;
  status: Generated<'PENDING' | 'SENT' | 'FAILED'>;
  provider_message_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface EmailTables {
  emails: EmailsTable;
}
