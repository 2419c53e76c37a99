-- The sandbox webhook receiver: webhooks a partner points at POST /sandbox/webhooks/receiver/{clientId}
-- are kept here exactly as received (signature headers and raw body), so scripts that cannot listen
-- (curl, Postman) can read them back and verify the signatures. Sandbox mode only.
create table sandbox_webhook_receipts (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  headers jsonb not null,
  body text not null,
  received_at timestamptz not null
);
create index sandbox_webhook_receipts_client on sandbox_webhook_receipts (client_id, received_at desc);
