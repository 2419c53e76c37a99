// Table types for migration 0030_sandbox_plaid.sql.
import type { Int8, Json, NullableTimestamp, Timestamp } from '../../db/column-types.ts';
import type { UsdCents } from '../../lib/money.ts';

export interface SandboxPlaidLinkTokensTable {
  token_hash: Buffer | Uint8Array;
  plaid_client_id: string;
  client_name: string;
  client_user_id: string;
  legal_name: string | null;
  products: string[];
  redirect_uri: string | null;
  android_package_name: string | null;
  webhook: string | null;
  item_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface SandboxPlaidItemsTable {
  item_id: string;
  plaid_client_id: string;
  access_token_hash: Buffer | Uint8Array;
  institution_id: string;
  username: string;
  products: string[];
  webhook: string | null;
  error_code: string | null;
  consent_expiration_time: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  removed_at: NullableTimestamp;
}

export interface SandboxPlaidAccountsTable {
  account_id: string;
  item_id: string;
  position: number;
  name: string;
  official_name: string | null;
  type: string;
  subtype: string;
  mask: string;
  account_number: string;
  routing_number: string;
  wire_routing_number: string;
  available_cents: Int8<UsdCents>;
  current_cents: Int8<UsdCents>;
  owner_names: string[];
}

export interface SandboxPlaidPublicTokensTable {
  token_hash: Buffer | Uint8Array;
  item_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  exchanged_at: NullableTimestamp;
}

export interface SandboxPlaidWebhookKeysTable {
  kid: string;
  public_jwk: Json<Record<string, unknown>>;
  private_key_id: string;
  private_key_ciphertext: string;
  created_at: Timestamp;
  expired_at: NullableTimestamp;
}

export interface SandboxPlaidTables {
  sandbox_plaid_link_tokens: SandboxPlaidLinkTokensTable;
  sandbox_plaid_items: SandboxPlaidItemsTable;
  sandbox_plaid_accounts: SandboxPlaidAccountsTable;
  sandbox_plaid_public_tokens: SandboxPlaidPublicTokensTable;
  sandbox_plaid_webhook_keys: SandboxPlaidWebhookKeysTable;
}
