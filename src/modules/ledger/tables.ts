// Table types for migration 0040_ledger.sql.
import type { Generated } from 'kysely';
import type { Int8, Json, Timestamp } from '../../db/column-types.ts';

export type JournalStatus = 'PENDING' | 'POSTED' | 'VOIDED';

export interface LedgerJournalsTable {
  id: string;
  kind: string;
  reference: string;
  status: JournalStatus;
  lines_hash: string;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LedgerPostingsTable {
  id: Generated<Int8>;
  journal_id: string;
  account: string;
  currency: string;
  amount_minor: Int8;
  created_at: Timestamp;
}

export interface LedgerBalancesTable {
  account: string;
  currency: string;
  posted_minor: Int8;
  pending_minor: Int8;
  updated_at: Timestamp;
}

export interface LedgerTables {
  ledger_journals: LedgerJournalsTable;
  ledger_postings: LedgerPostingsTable;
  ledger_balances: LedgerBalancesTable;
}
