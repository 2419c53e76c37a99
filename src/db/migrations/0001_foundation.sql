-- Foundation: partner clients, their secrets and sessions, the core user row that every module
-- refers to, which clients a user is active on, the event outbox and the audit log.

create table clients (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
  is_demo boolean not null default false,
  allowed_origins text[] not null default '{}',
  redirect_uris text[] not null default '{}',
  android_package_names text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index clients_one_demo on clients (is_demo) where is_demo;

-- A client has one current secret (expires_at null) and, after a rotation, the previous one
-- until expires_at. Only a SHA-256 of the 256-bit random secret is kept.
create table client_secrets (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  secret_hash bytea not null unique,
  hint text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
create index client_secrets_client on client_secrets (client_id);

create table client_sessions (
  id_hash bytea primary key,
  client_id uuid not null references clients (id) on delete cascade,
  signing_address text not null,
  signing_type text not null,
  deposit_address text not null,
  deposit_type text not null,
  user_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index client_sessions_expiry on client_sessions (expires_at);

create table users (
  id uuid primary key,
  client_id uuid not null references clients (id),
  first_name text not null,
  middle_name text,
  last_name text not null,
  email text not null,
  email_normalized text not null unique,
  phone text not null unique,
  country text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The clients a user is active on: the one that onboarded them and any they linked through.
-- A client sees only these users; webhooks for a user go to these clients.
create table user_clients (
  user_id uuid not null references users (id) on delete cascade,
  client_id uuid not null references clients (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, client_id)
);
create index user_clients_client on user_clients (client_id);

-- Outbox: domain changes write their event here in the same transaction as the change.
create table events (
  id uuid primary key,
  user_id uuid references users (id),
  type text not null,
  data jsonb not null,
  created_at timestamptz not null default now()
);
create index events_user_created on events (user_id, created_at);

create table audit_log (
  id uuid primary key,
  at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('CLIENT', 'USER', 'OPERATOR', 'SYSTEM')),
  actor_id text,
  action text not null,
  client_id uuid,
  user_id uuid,
  subject_type text,
  subject_id text,
  request_id text,
  ip text,
  device_fingerprint jsonb,
  details jsonb not null default '{}'
);
create index audit_log_user_at on audit_log (user_id, at);
