-- Webhook registrations (per client) and their deliveries. A delivery is one event for one
-- registration; its body is fixed when it is created (the exact bytes that are signed and sent on
-- every attempt); every attempt is recorded.
create table webhooks (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  name text check (name is null or length(name) between 1 and 50),
  url text not null check (length(url) between 1 and 2048),
  events text[] not null check (cardinality(events) > 0),
  -- The signing secret is needed in clear to sign, so it is encrypted (AES-256-GCM, keyring).
  secret_ciphertext text not null,
  secret_key_id text not null,
  -- After a rotation the previous secret also signs until previous_secret_expires_at.
  previous_secret_ciphertext text,
  previous_secret_key_id text,
  previous_secret_expires_at timestamptz,
  status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
  disabled_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index webhooks_client on webhooks (client_id, created_at);

-- status: SCHEDULED (waits for next_attempt_at) → QUEUED (a job exists) → SENDING (claimed until
-- lease_until) → SUCCEEDED | FAILED, or back to SCHEDULED/QUEUED for the next attempt.
create table webhook_deliveries (
  id uuid primary key,
  webhook_id uuid not null references webhooks (id) on delete cascade,
  kind text not null check (kind in ('EVENT', 'TEST')),
  event_id uuid not null,
  event_type text not null,
  user_id uuid,
  body text not null,
  status text not null check (status in ('SCHEDULED', 'QUEUED', 'SENDING', 'SUCCEEDED', 'FAILED')),
  -- Attempts made in all; attempts made in the current series (a replay starts a new series).
  attempt_count integer not null default 0,
  series_attempts integer not null default 0,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- One delivery per event and registration: fan-out is idempotent.
create unique index webhook_deliveries_event on webhook_deliveries (webhook_id, event_id) where kind = 'EVENT';
create index webhook_deliveries_page on webhook_deliveries (webhook_id, created_at desc, id desc);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'SCHEDULED';
create index webhook_deliveries_lease on webhook_deliveries (lease_until) where status = 'SENDING';
create index webhook_deliveries_failed on webhook_deliveries (updated_at desc) where status = 'FAILED';

create table webhook_attempts (
  id uuid primary key,
  delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
  attempt_number integer not null,
  started_at timestamptz not null,
  latency_ms integer not null,
  status_code integer,
  response_snippet text,
  error text,
  succeeded boolean not null
);
create index webhook_attempts_delivery on webhook_attempts (delivery_id, attempt_number);
