-- Plaid Transfer in the built-in Plaid sandbox (src/sandbox/plaid/transfer.ts): authorizations,
-- transfers, refunds, sweeps, the Plaid Ledger balance of each Plaid client and the event stream that
-- /transfer/event/sync reads. Transfers move by themselves on the sandbox clock (`next_step_at`) and
-- by /sandbox/transfer/simulate; every status change appends one event.
create table sandbox_plaid_transfer_authorizations (
  id text primary key,
  plaid_client_id text not null,
  -- Plaid's idempotency_key (null for user_action_required decisions, to which idempotency does not apply).
  idempotency_key text,
  item_id text not null,
  account_id text not null,
  type text not null check (type in ('debit', 'credit')),
  network text not null,
  ach_class text,
  amount_cents bigint not null check (amount_cents > 0),
  user_legal_name text not null,
  user_email text,
  user_phone text,
  decision text not null check (decision in ('approved', 'declined', 'user_action_required')),
  rationale_code text,
  rationale_description text,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create unique index sandbox_plaid_transfer_authorizations_key
  on sandbox_plaid_transfer_authorizations (plaid_client_id, idempotency_key) where idempotency_key is not null;

create table sandbox_plaid_transfers (
  id text primary key,
  plaid_client_id text not null,
  -- /transfer/create is idempotent on the authorization: one transfer per authorization.
  authorization_id text not null unique references sandbox_plaid_transfer_authorizations (id),
  item_id text not null,
  account_id text not null,
  type text not null check (type in ('debit', 'credit')),
  network text not null,
  ach_class text,
  amount_cents bigint not null check (amount_cents > 0),
  description text not null,
  metadata jsonb,
  user_legal_name text not null,
  user_email text,
  user_phone text,
  status text not null
    check (status in ('pending', 'posted', 'settled', 'funds_available', 'cancelled', 'failed', 'returned')),
  sweep_status text check (sweep_status in ('unswept', 'swept', 'swept_settled', 'return_swept')),
  failure_code text,
  failure_description text,
  -- The onramp sandbox rules, decided at creation: over $50 is returned R01 when it would settle.
  planned_outcome text not null check (planned_outcome in ('SETTLE', 'RETURN')),
  planned_return_code text,
  posts_at timestamptz not null,
  settles_at timestamptz not null,
  -- When the sandbox clock moves it next; null once a tester took it over with /sandbox/transfer/simulate
  -- or it reached a final status.
  next_step_at timestamptz,
  -- New York dates, 'YYYY-MM-DD'.
  expected_settlement_date text not null,
  settled_on text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index sandbox_plaid_transfers_due on sandbox_plaid_transfers (next_step_at) where next_step_at is not null;
create index sandbox_plaid_transfers_list on sandbox_plaid_transfers (plaid_client_id, created_at desc, id);

create table sandbox_plaid_transfer_refunds (
  id text primary key,
  plaid_client_id text not null,
  transfer_id text not null references sandbox_plaid_transfers (id),
  idempotency_key text not null,
  amount_cents bigint not null check (amount_cents > 0),
  status text not null check (status in ('pending', 'posted', 'settled', 'cancelled', 'failed', 'returned')),
  failure_code text,
  failure_description text,
  posts_at timestamptz not null,
  settles_at timestamptz not null,
  next_step_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (plaid_client_id, idempotency_key)
);
create index sandbox_plaid_transfer_refunds_due on sandbox_plaid_transfer_refunds (next_step_at) where next_step_at is not null;

create table sandbox_plaid_transfer_sweeps (
  id text primary key,
  plaid_client_id text not null,
  -- Signed, as on the sweep account's statement: debits swept in are positive.
  amount_cents bigint not null,
  created_at timestamptz not null,
  settled_on text not null
);

-- The Plaid Ledger of each Plaid client: debits add to `pending` until their funds are available;
-- refunds come out of `available` (Plaid's Sandbox ledgers start at $100).
create table sandbox_plaid_transfer_ledgers (
  plaid_client_id text primary key,
  available_cents bigint not null,
  pending_cents bigint not null,
  updated_at timestamptz not null
);

-- The event stream. Ids are handed out under a transaction-scoped advisory lock, so they grow in
-- commit order: a reader of /transfer/event/sync that has seen id N never later finds a smaller one.
create table sandbox_plaid_transfer_events (
  event_id bigint primary key,
  plaid_client_id text not null,
  event_type text not null,
  -- '' for sweep.* events, as Plaid sends them.
  transfer_id text not null,
  account_id text,
  transfer_type text,
  transfer_amount_cents bigint,
  event_amount_cents bigint,
  refund_id text,
  sweep_id text,
  sweep_amount_cents bigint,
  failure_code text,
  failure_description text,
  created_at timestamptz not null
);
create index sandbox_plaid_transfer_events_client on sandbox_plaid_transfer_events (plaid_client_id, event_id);
create index sandbox_plaid_transfer_events_transfer on sandbox_plaid_transfer_events (transfer_id, event_id);
