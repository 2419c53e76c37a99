-- The built-in Plaid-compatible sandbox (src/sandbox/plaid): link tokens, items with their accounts,
-- public tokens and the ES256 keys that sign its webhooks. Tokens are kept only as SHA-256 digests.
create table sandbox_plaid_link_tokens (
  token_hash bytea primary key,
  plaid_client_id text not null,
  client_name text not null,
  client_user_id text not null,
  legal_name text,
  products text[] not null,
  redirect_uri text,
  android_package_name text,
  webhook text,
  -- Update mode: the item whose login the link token repairs.
  item_id text,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index sandbox_plaid_link_tokens_user on sandbox_plaid_link_tokens (plaid_client_id, client_user_id, created_at desc);

create table sandbox_plaid_items (
  item_id text primary key,
  plaid_client_id text not null,
  access_token_hash bytea not null unique,
  institution_id text not null,
  username text not null,
  products text[] not null,
  webhook text,
  -- The item's error code (ITEM_LOGIN_REQUIRED after reset_login), null when healthy.
  error_code text,
  consent_expiration_time timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  removed_at timestamptz
);

create table sandbox_plaid_accounts (
  account_id text primary key,
  item_id text not null references sandbox_plaid_items (item_id) on delete cascade,
  position int not null,
  name text not null,
  official_name text,
  type text not null,
  subtype text not null,
  mask text not null,
  account_number text not null,
  routing_number text not null,
  wire_routing_number text not null,
  available_cents bigint not null,
  current_cents bigint not null,
  owner_names text[] not null
);
create index sandbox_plaid_accounts_item on sandbox_plaid_accounts (item_id, position);

create table sandbox_plaid_public_tokens (
  token_hash bytea primary key,
  item_id text not null references sandbox_plaid_items (item_id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  exchanged_at timestamptz
);

-- Keys that sign webhook JWTs; the private JWK is encrypted with the server keyring.
create table sandbox_plaid_webhook_keys (
  kid text primary key,
  public_jwk jsonb not null,
  private_key_id text not null,
  private_key_ciphertext text not null,
  created_at timestamptz not null,
  expired_at timestamptz
);
