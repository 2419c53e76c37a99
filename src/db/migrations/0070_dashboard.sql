-- The partner dashboard (docs/dashboard.md): who may sign in to it and their sessions, the partner's
-- request log, the steps of the acquisition funnel that were not recorded before, the partner revenue
-- share, and daily rollups of activity that keep the reports fast at millions of activity items.

-- Partner revenue: a share of the fee, in basis points of the fee (0 = none), set by the operator.
alter table clients add column revenue_share_bps integer not null default 0
  check (revenue_share_bps between 0 and 10000);

-- Dashboard members write the audit log as themselves.
alter table audit_log drop constraint audit_log_actor_type_check;
alter table audit_log add constraint audit_log_actor_type_check
  check (actor_type in ('CLIENT', 'USER', 'OPERATOR', 'SYSTEM', 'MEMBER'));
create index audit_log_client_at on audit_log (client_id, at desc) where client_id is not null;

-- People who may sign in to a client's dashboard. `email` is normalised (lower case).
create table dashboard_members (
  id uuid primary key,
  client_id uuid not null references clients (id) on delete cascade,
  email text not null check (length(email) between 3 and 254),
  role text not null check (role in ('ADMIN', 'VIEWER')),
  -- `OPERATOR` or `MEMBER:<id>`.
  invited_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  last_sign_in_at timestamptz,
  unique (client_id, email)
);
create index dashboard_members_email on dashboard_members (email);

-- Email sign-in codes: only a keyed hash of the code is kept (as for the API's one-time codes).
create table dashboard_sign_in_codes (
  id uuid primary key,
  email text not null,
  code_hash text not null,
  attempts integer not null default 0,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index dashboard_sign_in_codes_email on dashboard_sign_in_codes (email, created_at);

-- One-time sign-in links (the sandbox banner's link for the demo client's admin); SHA-256 of the token.
create table dashboard_sign_in_links (
  token_hash bytea primary key,
  member_id uuid not null references dashboard_members (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index dashboard_sign_in_links_expiry on dashboard_sign_in_links (expires_at);

-- Browser sessions: the cookie holds a random token, the row its SHA-256 (the CSRF token is an HMAC
-- of the cookie's token, so it needs no column). A session ends at expires_at (absolute), after the idle time without a
-- request (last_seen_at), or when revoked (sign-out, member removed).
create table dashboard_sessions (
  id_hash bytea primary key,
  member_id uuid not null references dashboard_members (id) on delete cascade,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
create index dashboard_sessions_member on dashboard_sessions (member_id);
create index dashboard_sessions_expiry on dashboard_sessions (expires_at);

-- The partner's recent API requests: no bodies, no query strings, no personal data — the route
-- pattern (`/v1/users/:userId`), never the path with its ids. Written in batches; kept for
-- ONRAMP_DASHBOARD_REQUEST_LOG_RETENTION_HOURS. No foreign key: inserts stay cheap.
create table request_log (
  id bigint generated always as identity primary key,
  client_id uuid not null,
  at timestamptz not null,
  method text not null,
  route text not null,
  status smallint not null,
  latency_us integer not null,
  request_id text not null,
  error_code text
);
create index request_log_client_at on request_log (client_id, at desc, id desc);
create index request_log_at on request_log (at);

-- The top of the acquisition funnel and its first two steps, per client: a wallet that signed in
-- through the client for the first time, when it first asked for an SMS code in that session, and
-- when an SMS code was first verified in a session with that wallet. Later steps are read from
-- the user the wallet belongs to (signing_wallets → kyc_submissions, banks, activity).
create table funnel_wallets (
  client_id uuid not null references clients (id) on delete cascade,
  wallet_type text not null check (wallet_type in ('EVM', 'SOLANA')),
  address text not null,
  connected_at timestamptz not null,
  phone_entered_at timestamptz,
  sms_verified_at timestamptz,
  primary key (client_id, wallet_type, address)
);
create index funnel_wallets_client_connected on funnel_wallets (client_id, connected_at);

-- Wallets that signed in before this migration: their users passed SMS when they were created.
insert into funnel_wallets (client_id, wallet_type, address, connected_at, phone_entered_at, sms_verified_at)
select sw.added_by_client_id, sw.wallet_type, sw.address, sw.created_at, sw.created_at, sw.created_at
  from signing_wallets sw where sw.added_by_client_id is not null
on conflict do nothing;

-- A partner's revenue share of one purchase's fee, posted to the ledger (revenue_share.accrued) when
-- the fee is earned and reversed (revenue_share.reversed) on an ACH return or a refund. The ledger
-- is the money; this row says which purchase, at which rate, and dates it by the purchase's day.
create table revenue_shares (
  purchase_id uuid primary key references purchases (id),
  client_id uuid not null references clients (id),
  ach_type text not null check (ach_type in ('INSTANT', 'STANDARD')),
  -- The purchase's creation time: the day the dashboard reports it under.
  purchase_created_at timestamptz not null,
  bps integer not null check (bps between 1 and 10000),
  fee_cents bigint not null check (fee_cents > 0),
  share_cents bigint not null check (share_cents > 0 and share_cents <= fee_cents),
  status text not null check (status in ('ACCRUED', 'REVERSED')),
  accrued_at timestamptz not null,
  reversed_at timestamptz,
  reversal_reason text,
  check ((status = 'REVERSED') = (reversed_at is not null))
);
create index revenue_shares_client on revenue_shares (client_id, purchase_created_at);

-- Daily rollups (UTC days). A transaction counts once its crypto is delivered (crypto COMPLETED) and
-- its debit has not failed (a returned INSTANT debit leaves the figures). Rows are split into 8
-- shards by activity id so concurrent purchases of one client rarely wait on the same row.
create table dashboard_daily_activity (
  client_id uuid not null,
  day date not null,
  ach_type text not null check (ach_type in ('INSTANT', 'STANDARD')),
  shard smallint not null,
  transactions integer not null default 0,
  volume_cents bigint not null default 0,
  fee_cents bigint not null default 0,
  revenue_cents bigint not null default 0,
  primary key (client_id, day, ach_type, shard)
);

-- Which users transacted on which day (for active users, which do not add up across days).
create table dashboard_daily_users (
  client_id uuid not null,
  day date not null,
  user_id uuid not null,
  transactions integer not null default 0,
  primary key (client_id, day, user_id)
);
create index dashboard_daily_users_user on dashboard_daily_users (client_id, user_id) where transactions > 0;

create function dashboard_counts(fiat text, crypto text) returns boolean language sql immutable as $$
  select crypto = 'COMPLETED' and fiat <> 'FAILED'
$$;

-- One statement-level trigger function for insert, update and delete of activity_items: rows that
-- stop counting are subtracted and rows that start counting added, in one upsert per rollup table
-- (keys in order, so two statements lock rollup rows in the same order). An update that changes
-- nothing counted writes nothing. The transition tables differ per event, hence the dynamic source.
create function dashboard_activity_rollup() returns trigger language plpgsql as $$
declare
  source text := case tg_op
    when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
    when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
    else 'select o.*, -1 as sign from old_rows o union all select n.*, 1 as sign from new_rows n' end;
begin
  execute format($q$
    with changed as (%s),
    delta as (
      select client_id, (created_at at time zone 'UTC')::date as day,
             case funding_method when 'ACH_ORIGINATED_INSTANT' then 'INSTANT' else 'STANDARD' end as ach_type,
             (abs(hashtext(id::text)) %% 8)::smallint as shard, user_id,
             sign as n, sign * fiat_amount_cents as volume, sign * fee_cents as fee
        from changed where dashboard_counts(fiat_status, crypto_status)
    ),
    activity as (
      insert into dashboard_daily_activity as d (client_id, day, ach_type, shard, transactions, volume_cents, fee_cents)
      select client_id, day, ach_type, shard, sum(n), sum(volume), sum(fee) from delta
       group by 1, 2, 3, 4 having sum(n) <> 0 or sum(volume) <> 0 or sum(fee) <> 0 order by 1, 2, 3, 4
      on conflict (client_id, day, ach_type, shard) do update set
        transactions = d.transactions + excluded.transactions,
        volume_cents = d.volume_cents + excluded.volume_cents,
        fee_cents = d.fee_cents + excluded.fee_cents
      returning 1
    )
    insert into dashboard_daily_users as u (client_id, day, user_id, transactions)
    select client_id, day, user_id, sum(n) from delta group by 1, 2, 3 having sum(n) <> 0 order by 1, 2, 3
    on conflict (client_id, day, user_id) do update set transactions = u.transactions + excluded.transactions
  $q$, source);
  return null;
end $$;

create trigger activity_items_rollup_insert after insert on activity_items
  referencing new table as new_rows for each statement execute function dashboard_activity_rollup();
create trigger activity_items_rollup_update after update on activity_items
  referencing old table as old_rows new table as new_rows for each statement execute function dashboard_activity_rollup();
create trigger activity_items_rollup_delete after delete on activity_items
  referencing old table as old_rows for each statement execute function dashboard_activity_rollup();

-- Partner revenue by the purchase's day: added when a share accrues, subtracted when it is reversed.
create function dashboard_revenue_rollup() returns trigger language plpgsql as $$
declare
  delta bigint;
begin
  if tg_op = 'INSERT' then
    delta := case when new.status = 'ACCRUED' then new.share_cents else 0 end;
  else
    delta := (case when new.status = 'ACCRUED' then new.share_cents else 0 end)
           - (case when old.status = 'ACCRUED' then old.share_cents else 0 end);
  end if;
  if delta <> 0 then
    insert into dashboard_daily_activity as d (client_id, day, ach_type, shard, revenue_cents)
    values (new.client_id, (new.purchase_created_at at time zone 'UTC')::date, new.ach_type,
            (abs(hashtext(new.purchase_id::text)) % 8)::smallint, delta)
    on conflict (client_id, day, ach_type, shard) do update set revenue_cents = d.revenue_cents + excluded.revenue_cents;
  end if;
  return null;
end $$;
create trigger revenue_shares_rollup after insert or update on revenue_shares
  for each row execute function dashboard_revenue_rollup();

-- Existing history.
insert into dashboard_daily_activity (client_id, day, ach_type, shard, transactions, volume_cents, fee_cents)
select client_id, (created_at at time zone 'UTC')::date,
       case funding_method when 'ACH_ORIGINATED_INSTANT' then 'INSTANT' else 'STANDARD' end,
       (abs(hashtext(id::text)) % 8)::smallint, count(*), sum(fiat_amount_cents), sum(fee_cents)
  from activity_items where dashboard_counts(fiat_status, crypto_status) group by 1, 2, 3, 4;
insert into dashboard_daily_users (client_id, day, user_id, transactions)
select client_id, (created_at at time zone 'UTC')::date, user_id, count(*)
  from activity_items where dashboard_counts(fiat_status, crypto_status) group by 1, 2, 3;

-- The dashboard finds users by deposit wallet address, and lists a client's users newest first.
create index wallets_address on wallets (address);
create index user_clients_client_created on user_clients (client_id, created_at desc, user_id desc);
