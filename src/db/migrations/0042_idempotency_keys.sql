-- Idempotency-Key records (src/plugins/idempotency.ts), per client, kept 24 hours. A key is
-- IN_FLIGHT while its first request runs, holding a lease (`locked_until`, wall time) so a request
-- whose process died does not hold the key forever; then DONE with the response to replay.
create table idempotency_keys (
  client_id uuid not null,
  key text not null check (length(key) between 1 and 255),
  request_hash text not null,
  status text not null check (status in ('IN_FLIGHT', 'DONE')),
  -- The request currently executing the key; a late original cannot overwrite a takeover.
  owner text not null,
  locked_until timestamptz not null,
  response_status integer,
  response_content_type text,
  response_body text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (client_id, key)
);
create index idempotency_keys_expires on idempotency_keys (expires_at);
