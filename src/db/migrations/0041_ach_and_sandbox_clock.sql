-- ACH debits onramp has originated, whatever the provider. `id` is the originator's id (the
-- purchase's), also the idempotency key at the provider, so retrying an origination never debits
-- twice. PENDING → SETTLED | RETURNED exactly once (conditional update in the settlement job, in the
-- same transaction as the subscribers' reactions).
create table ach_debits (
  id uuid primary key,
  provider text not null,
  provider_ref text not null,
  amount_cents bigint not null check (amount_cents > 0),
  speed text not null check (speed in ('INSTANT', 'STANDARD')),
  status text not null check (status in ('PENDING', 'SETTLED', 'RETURNED')),
  return_code text,
  -- A New York calendar date, 'YYYY-MM-DD' (text: drivers turn `date` into local-time Dates).
  expected_settlement_date text not null check (expected_settlement_date ~ '^\d{4}-\d{2}-\d{2}$'),
  -- When the settlement job should next ask the provider about it.
  next_check_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  resolved_at timestamptz,
  unique (provider, provider_ref)
);
create index ach_debits_due on ach_debits (next_check_at) where status = 'PENDING';

-- The sandbox ACH network: what the banks know about each debit the sandbox provider accepted or
-- rejected. The outcome follows guides/sandbox-testing.md and is fixed at origination; it becomes
-- visible at `resolves_at` on the sandbox clock.
create table sandbox_ach_transfers (
  id uuid primary key,
  provider_ref text not null unique,
  amount_cents bigint not null,
  speed text not null,
  routing_number text not null,
  account_mask text not null,
  outcome text not null check (outcome in ('SETTLE', 'RETURN', 'REJECT')),
  return_code text,
  reject_reason text,
  effective_date text,
  settlement_date text,
  resolves_at timestamptz,
  created_at timestamptz not null
);

-- The sandbox clock: sandbox time is real time plus this offset, which only grows
-- (POST /sandbox/clock:advance). Kept here so a restart keeps the sandbox's "today".
create table sandbox_clock (
  id boolean primary key default true check (id),
  offset_ms bigint not null default 0 check (offset_ms >= 0),
  updated_at timestamptz not null
);
insert into sandbox_clock (id, offset_ms, updated_at) values (true, 0, now());
