-- ACH on Plaid Transfer (src/modules/ach, docs/money-movement.md).
--
-- ach_debits now records the intent before each call to Plaid: AUTHORIZING (about to call
-- /transfer/authorization/create with an idempotency key derived from the debit id and attempt) →
-- AUTHORIZED (the authorization id, about to call /transfer/create, idempotent on it) → PENDING
-- (Plaid's transfer id; posted or not) → SETTLED, or RETURNED / FAILED; a settled debit may still be
-- RETURNED (a late return). DECLINED: the authorization was declined or needs the user to act.
-- The old sandbox provider's debits (provider 'sandbox') never get Plaid events: they stay as they were.
alter table ach_debits drop constraint ach_debits_status_check;
alter table ach_debits add constraint ach_debits_status_check
  check (status in ('AUTHORIZING', 'AUTHORIZED', 'DECLINED', 'PENDING', 'SETTLED', 'RETURNED', 'FAILED'));
alter table ach_debits alter column provider_ref drop not null;
alter table ach_debits alter column expected_settlement_date drop not null;
drop index ach_debits_due;
alter table ach_debits drop column next_check_at;
alter table ach_debits
  add column network text,
  add column ach_class text,
  add column authorization_id text,
  add column authorization_attempt integer not null default 1 check (authorization_attempt between 1 and 10),
  -- Why a DECLINED debit was not made: Plaid's decision, or its refusal of the request (a 4xx).
  add column decline_reason text check (decline_reason in ('DECLINED', 'USER_ACTION_REQUIRED', 'REFUSED')),
  add column decision_code text,
  add column decision_description text,
  add column failure_description text,
  add column settled_at timestamptz,
  -- A return after SETTLED (an unauthorized-return code such as R10, up to 60 days later).
  add column returned_after_settlement boolean not null default false;
create index ach_debits_intents on ach_debits (updated_at) where status in ('AUTHORIZING', 'AUTHORIZED');

-- Refunds of settled debits through /transfer/refund/create. One refund at a time per debit: a
-- failed or returned one may be followed by another attempt (the operator's `purchases refund`).
create table ach_refunds (
  id uuid primary key,
  debit_id uuid not null references ach_debits (id),
  attempt integer not null check (attempt between 1 and 10),
  amount_cents bigint not null check (amount_cents > 0),
  status text not null check (status in ('REQUESTING', 'PENDING', 'POSTED', 'SETTLED', 'FAILED', 'RETURNED', 'CANCELLED')),
  provider_ref text unique,
  failure_code text,
  failure_description text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  resolved_at timestamptz,
  unique (debit_id, attempt)
);
create unique index ach_refunds_one_live on ach_refunds (debit_id) where status in ('REQUESTING', 'PENDING', 'POSTED', 'SETTLED');

-- Plaid's event stream, followed with /transfer/event/sync. The cursor and the events it covers are
-- written in one transaction; an event is applied once (applied_at set in the transaction that
-- applies it), in event order per transfer; one that fails waits and is retried, the others go on.
create table ach_event_cursors (
  provider text primary key,
  after_id bigint not null check (after_id >= 0),
  updated_at timestamptz not null
);
create table ach_events (
  provider text not null,
  event_id bigint not null,
  event_type text not null,
  transfer_id text not null,
  refund_id text,
  sweep_id text,
  occurred_at timestamptz not null,
  amount_cents bigint,
  failure_code text,
  failure_description text,
  payload jsonb not null,
  received_at timestamptz not null,
  applied_at timestamptz,
  -- What applying it did (for support): "SETTLED", "ignored: sweep event", …
  outcome text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,
  primary key (provider, event_id)
);
create index ach_events_due on ach_events (next_attempt_at, event_id) where applied_at is null;
create index ach_events_transfer on ach_events (transfer_id, event_id) where applied_at is null;

-- The purchase's refund: REQUIRED once the user has paid (or will have) and the crypto will not come;
-- PENDING at Plaid; SETTLED | FAILED; NOT_NEEDED when the debit came back anyway. A late return after
-- settlement is its own ACH state, RETURNED_LATE; Plaid's `failed` (no money moved) is FAILED.
alter table purchases drop constraint purchases_ach_state_check;
alter table purchases add constraint purchases_ach_state_check
  check (ach_state in ('PENDING', 'ORIGINATED', 'SETTLED', 'RETURNED', 'FAILED', 'RETURNED_LATE', 'CANCELLED'));
alter table purchases
  add column refund_state text not null default 'NONE'
    check (refund_state in ('NONE', 'REQUIRED', 'PENDING', 'SETTLED', 'FAILED', 'NOT_NEEDED')),
  add column refund_reason text,
  add column refund_ref text;
-- Purchases paid for but never delivered before this migration still need their refund.
update purchases set refund_state = 'REQUIRED', refund_reason = 'DELIVERY_FAILED'
 where ach_state = 'SETTLED' and payout_state in ('FAILED', 'CANCELLED');
-- The invariant: a paid purchase ends with its crypto or a refund, never with neither.
alter table purchases add constraint purchases_paid_means_crypto_or_refund
  check (not (ach_state = 'SETTLED' and payout_state in ('FAILED', 'CANCELLED') and refund_state in ('NONE', 'NOT_NEEDED')));
create index purchases_refunds on purchases (refund_state, updated_at) where refund_state in ('REQUIRED', 'PENDING', 'FAILED');

drop table sandbox_ach_transfers;
