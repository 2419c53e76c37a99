-- The sandbox inbox: SMS and email that sandbox providers deliver here instead of to a carrier or
-- mail server. Readable by the client that caused the message (GET /sandbox/inbox?to=…).
create table sandbox_messages (
  id uuid primary key,
  -- The client on whose behalf the message was sent; null for messages not tied to one client.
  client_id uuid references clients (id) on delete cascade,
  channel text not null check (channel in ('SMS', 'EMAIL')),
  recipient text not null,
  subject text,
  text_body text not null,
  html_body text,
  created_at timestamptz not null
);
create index sandbox_messages_recipient on sandbox_messages (recipient, created_at desc);
