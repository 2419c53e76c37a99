-- Linked bank accounts (issue 6). One Plaid item per row; the access token and the account number
-- are encrypted with the server keyring (row id as associated data). At most one bank per user is
-- not deleted at a time; a deleted row stays for the purchases that refer to it.
create table banks (
  id uuid primary key,
  user_id uuid not null references users (id),
  client_id uuid not null references clients (id),
  plaid_item_id text not null,
  access_token_key_id text not null,
  access_token_ciphertext text not null,
  institution_id text,
  institution_name text,
  plaid_account_id text not null,
  account_name text not null,
  account_official_name text,
  account_subtype text,
  mask text,
  routing_number text not null,
  account_number_key_id text not null,
  account_number_ciphertext text not null,
  -- The account holders' names as the bank reports them (Plaid identity).
  owner_names text[] not null,
  available_cents bigint,
  current_cents bigint,
  balance_at timestamptz,
  link_status text not null check (link_status in ('ACTIVE', 'INACTIVE', 'LOGIN_REQUIRED')),
  verification_status text not null check (verification_status in ('APPROVED', 'DECLINED', 'IN_REVIEW')),
  -- WAITING_FOR_KYC until the user's KYC is decided; MANUAL_REVIEW for a partial name match; DONE once decided.
  verification_state text not null check (verification_state in ('WAITING_FOR_KYC', 'MANUAL_REVIEW', 'DONE')),
  verification_detail text,
  verified_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deleted_at timestamptz
);
create unique index banks_one_per_user on banks (user_id) where deleted_at is null;
create unique index banks_item on banks (plaid_item_id) where deleted_at is null;
create index banks_user on banks (user_id, created_at desc);
