-- Onboarding: deposit wallets, KYC submissions (SSN encrypted at rest), account flags with their
-- history, and transactional emails queued for sending after commit.

-- Filled by KYC (SubmitKycRequest.nationality / occupation) and returned on the User.
alter table users add column nationality text;
alter table users add column occupation text;

-- Deposit addresses: where purchases are delivered. One EVM address receives on every EVM network.
create table wallets (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  type text not null check (type in ('EVM')),
  address text not null,
  name text check (name is null or length(name) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, type, address)
);
-- Keyset paging: (created_at, id) per user.
create index wallets_user_page on wallets (user_id, created_at, id);

-- One KYC submission per user. Identity numbers are AES-256-GCM ciphertext under ssn_key_id
-- (row id = user id as associated data); ssn_index is a keyed hash for uniqueness across users.
create table kyc_submissions (
  user_id uuid primary key references users (id) on delete cascade,
  status text not null check (status in ('SUBMITTED', 'IN_REVIEW', 'APPROVED', 'DECLINED')),
  address_result text not null,
  dob_result text not null,
  fraud_result text not null,
  idv_result text not null,
  date_of_birth date not null,
  id_type text not null check (id_type in ('SSN')),
  ssn_ciphertext text not null,
  ssn_key_id text not null,
  ssn_last4 text not null check (ssn_last4 ~ '^[0-9]{4}$'),
  ssn_index text not null unique,
  line1 text not null,
  line2 text,
  city text not null,
  state text not null,
  postal_code text not null,
  provider text not null,
  provider_reference text,
  decided_by text,
  decision_reason text,
  submitted_at timestamptz not null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index kyc_submissions_status on kyc_submissions (status, submitted_at);

-- Account flags (user-support-reference/user-account-flags): who set each, why and when, and who
-- cleared it. At most one active row per (user, code); cleared rows stay as history.
create table user_flags (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  code text not null check (code in ('F0000', 'F0001', 'F1000', 'F1001', 'F1002', 'F1004', 'F2000', 'F2001', 'F2002', 'F2003')),
  reason text not null,
  set_by text not null,
  set_at timestamptz not null,
  cleared_by text,
  cleared_reason text,
  cleared_at timestamptz
);
create unique index user_flags_active on user_flags (user_id, code) where cleared_at is null;
create index user_flags_user on user_flags (user_id, set_at);

-- Transactional emails: written in the transaction that makes them necessary, sent by a job after
-- commit. dedupe_key makes "send once" hold across retries and repeated triggers.
create table emails (
  id uuid primary key,
  user_id uuid references users (id) on delete cascade,
  client_id uuid,
  recipient text not null,
  template text not null,
  vars jsonb not null default '{}',
  dedupe_key text unique,
  status text not null default 'PENDING' check (status in ('PENDING', 'SENT', 'FAILED')),
  provider_message_id text,
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index emails_user on emails (user_id, created_at);
