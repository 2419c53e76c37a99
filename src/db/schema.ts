// Kysely table types. Each module declares its tables in its own file and they are composed here,
// so a module's migration and its types change together.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from './column-types.ts';
import type { AuthTables } from '../modules/auth/tables.ts';
import type { SandboxInboxTables } from '../sandbox/inbox/tables.ts';
import type { SandboxWebhookReceiverTables } from '../sandbox/webhook-receiver/tables.ts';
import type { SandboxChainTables } from '../sandbox/chains/tables.ts';
import type { LedgerTables } from '../modules/ledger/tables.ts';
import type { AchTables } from '../modules/ach/tables.ts';
import type { SandboxClockTables } from '../sandbox/clock/tables.ts';
import type { IdempotencyTables } from '../plugins/idempotency-tables.ts';
import type { ActivityTables } from '../modules/activity/tables.ts';
import type { WalletTables } from '../modules/wallets/tables.ts';
import type { KycTables } from '../modules/kyc/tables.ts';
import type { FlagTables } from '../modules/flags/tables.ts';
import type { EmailTables } from '../modules/emails/tables.ts';
import type { PayoutTables } from '../modules/payouts/tables.ts';
import type { SandboxPlaidTables } from '../sandbox/plaid/tables.ts';
import type { SandboxPlaidTransferTables } from '../sandbox/plaid/transfer-tables.ts';
import type { SandboxIdvTables } from '../sandbox/plaid/idv-tables.ts';
import type { PurchaseTables } from '../modules/purchases/tables.ts';
import type { BankTables } from '../modules/banks/tables.ts';
import type { WebhookTables } from '../modules/webhooks/tables.ts';
import type { DashboardTables } from '../modules/dashboard/tables.ts';

export interface ClientsTable {
  id: string;
  name: string;
  status: Generated<'ACTIVE' | 'DISABLED'>;
  is_demo: Generated<boolean>;
  allowed_origins: Generated<string[]>;
  redirect_uris: Generated<string[]>;
  android_package_names: Generated<string[]>;
  /** Partner revenue share, basis points of the fee (0070). */
  revenue_share_bps: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ClientSecretsTable {
  id: string;
  client_id: string;
  secret_hash: Buffer | Uint8Array;
  hint: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
}

export interface ClientSessionsTable {
  id_hash: Buffer | Uint8Array;
  client_id: string;
  signing_address: string;
  signing_type: string;
  deposit_address: string;
  deposit_type: string;
  user_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  expires_at: Timestamp;
}

export interface UsersTable {
  id: string;
  client_id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string;
  email_normalized: string;
  phone: string;
  country: string;
  /** Set by KYC (0020). */
  nationality: Generated<string | null>;
  occupation: Generated<string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserClientsTable {
  user_id: string;
  client_id: string;
  created_at: Timestamp;
}

export interface EventsTable {
  id: string;
  user_id: string | null;
  type: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
  /** Shared by the events published in one transaction, and named by their one dispatch job (0003). */
  dispatch_batch: string | null;
}

export interface AuditLogTable {
  id: string;
  at: Timestamp;
  actor_type: 'CLIENT' | 'USER' | 'OPERATOR' | 'SYSTEM' | 'MEMBER';
  actor_id: string | null;
  action: string;
  client_id: string | null;
  user_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  request_id: string | null;
  ip: string | null;
  device_fingerprint: Json<Record<string, unknown>> | null;
  details: Json<Record<string, unknown>>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export interface FoundationTables {
  clients: ClientsTable;
  client_secrets: ClientSecretsTable;
  client_sessions: ClientSessionsTable;
  users: UsersTable;
  user_clients: UserClientsTable;
  events: EventsTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
}

// Modules add their table interfaces to this intersection.
export type Database = FoundationTables &
  AuthTables &
  SandboxInboxTables &
  SandboxWebhookReceiverTables &
  SandboxChainTables &
  LedgerTables &
  ActivityTables &
  WalletTables &
  KycTables &
  FlagTables &
  EmailTables &
  PayoutTables &
  SandboxPlaidTables &
  SandboxPlaidTransferTables &
  SandboxIdvTables &
  PurchaseTables &
  BankTables &
  AchTables &
  SandboxClockTables &
  IdempotencyTables &
  WebhookTables &
  DashboardTables;

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
