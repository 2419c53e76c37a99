-- User authentication: signing wallets (auth methods, distinct from deposit wallets), wallet
-- challenges, server-side user sessions, one-time codes and the limits that protect them. Every
-- limit lives here rather than in process memory, so several API processes enforce it together.

-- The wallets a user signs in with. EVM addresses are stored checksummed, Solana ones as base58.
create table signing_wallets (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  wallet_type text not null check (wallet_type in ('EVM', 'SOLANA')),
  address text not null,
  -- The client through which the wallet was added (null when added by the operator).
  added_by_client_id uuid references clients (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (wallet_type, address)
);
create index signing_wallets_user on signing_wallets (user_id);

-- EIP-4361 (and the Solana equivalent) challenges: issued by cryptoWallet:start, used at most once.
create table wallet_challenges (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  wallet_type text not null check (wallet_type in ('EVM', 'SOLANA')),
  address text not null,
  nonce text not null unique,
  message text not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index wallet_challenges_lookup on wallet_challenges (client_id, wallet_type, address, issued_at desc);

-- The session behind a session JWT. Bound to one client; records each proven factor and the user it
-- proved. `link_user_id` marks a wallet session whose SMS proof found another user's phone: that
-- user may add this session's wallet with cryptoWallet:addToUser (account linking).
create table auth_sessions (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  client_session_hash bytea,
  user_id uuid references users (id) on delete cascade,
  factors text[] not null default '{}',
  wallet_type text check (wallet_type in ('EVM', 'SOLANA')),
  wallet_address text,
  phone text,
  email text,
  link_user_id uuid references users (id) on delete cascade,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  check (factors <@ array['WALLET', 'SMS', 'EMAIL']::text[])
);
create index auth_sessions_user on auth_sessions (user_id);
create index auth_sessions_link on auth_sessions (client_id, wallet_type, wallet_address) where link_user_id is not null;
create index auth_sessions_last_seen on auth_sessions (last_seen_at);

-- One-time codes. Only a keyed hash (HMAC) of the code is kept: six digits are too few for a plain hash.
create table otp_codes (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  channel text not null check (channel in ('SMS', 'EMAIL')),
  destination text not null,
  code_hash text not null,
  attempts integer not null default 0,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index otp_codes_destination on otp_codes (channel, destination, created_at);

-- Counters behind send throttles and failure lockouts, keyed by purpose and a hash of the phone,
-- email or IP. A row is locked while it is checked and counted, so concurrent requests take turns.
create table auth_throttles (
  key text primary key,
  count integer not null default 0,
  window_started_at timestamptz not null,
  last_at timestamptz,
  locked_until timestamptz
);
