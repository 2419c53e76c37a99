-- The dashboard's active users without counting distinct users over the (client, day, user) rollup
-- (docs/dashboard.md, "Speed"): one bitmap of active users per client, day and block of 1,024 users,
-- so that the distinct users of any range or bucket are bit_count(bit_or(…)) over a few rows a day.

-- Each user that transacted through a client has a position in that client's bitmaps. Positions come
-- from one sequence (nextval takes no lock that a purchase could wait on or deadlock with): a client
-- whose users joined among other clients' users has sparser blocks, never wrong ones.
create sequence dashboard_user_ordinals_seq as bigint;
create table dashboard_user_ordinals (
  client_id uuid not null,
  user_id uuid not null,
  ordinal bigint not null unique,
  primary key (client_id, user_id)
);

-- Bit (ordinal % 1024) of block (ordinal / 1024) is set on a day when the user has at least one
-- transaction that day (dashboard_daily_users.transactions > 0).
create table dashboard_daily_active (
  client_id uuid not null,
  day date not null,
  block integer not null,
  users bit(1024) not null,
  primary key (client_id, day, block)
);

-- The rollup of 0070, and the bitmaps: a (client, day, user) whose count goes from 0 to more or from
-- more to 0 flips its bit. Flips of one bit are serialised by the dashboard_daily_users row lock and
-- XOR commutes, so concurrent statements need no other lock (a missing row is all zeros).
create or replace function dashboard_activity_rollup() returns trigger language plpgsql as $$
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
    ),
    per_user_day as (
      select client_id, day, user_id, sum(n)::integer as n from delta group by 1, 2, 3 having sum(n) <> 0
    ),
    users as (
      insert into dashboard_daily_users as u (client_id, day, user_id, transactions)
      select client_id, day, user_id, n from per_user_day order by 1, 2, 3
      on conflict (client_id, day, user_id) do update set transactions = u.transactions + excluded.transactions
      returning u.client_id, u.day, u.user_id, u.transactions
    ),
    flips as (
      select u.client_id, u.day, u.user_id from users u join per_user_day p using (client_id, day, user_id)
       where (u.transactions > 0) <> (u.transactions - p.n > 0)
    ),
    flipped_users as (select distinct client_id, user_id from flips),
    known as (
      select o.client_id, o.user_id, o.ordinal
        from dashboard_user_ordinals o join flipped_users f using (client_id, user_id)
    ),
    fresh as (
      insert into dashboard_user_ordinals as o (client_id, user_id, ordinal)
      select client_id, user_id, nextval('dashboard_user_ordinals_seq') from flipped_users f
       where not exists (select 1 from known k where k.client_id = f.client_id and k.user_id = f.user_id)
       order by 1, 2
      -- a concurrent first transaction of the same user took a position first: use that one
      on conflict (client_id, user_id) do update set ordinal = o.ordinal
      returning o.client_id, o.user_id, o.ordinal
    ),
    ordinals as (select * from known union all select * from fresh)
    insert into dashboard_daily_active as a (client_id, day, block, users)
    select f.client_id, f.day, (o.ordinal >> 10)::integer, bit_or(B'1'::bit(1024) >> (o.ordinal & 1023)::integer)
      from flips f join ordinals o using (client_id, user_id)
     group by 1, 2, 3 order by 1, 2, 3
    on conflict (client_id, day, block) do update set users = a.users # excluded.users
  $q$, source);
  return null;
end $$;

-- Existing history.
insert into dashboard_user_ordinals (client_id, user_id, ordinal)
select client_id, user_id, nextval('dashboard_user_ordinals_seq')
  from (select distinct client_id, user_id from dashboard_daily_users where transactions > 0 order by 1, 2) x;
insert into dashboard_daily_active (client_id, day, block, users)
select d.client_id, d.day, (o.ordinal >> 10)::integer, bit_or(B'1'::bit(1024) >> (o.ordinal & 1023)::integer)
  from dashboard_daily_users d join dashboard_user_ordinals o using (client_id, user_id)
 where d.transactions > 0
 group by 1, 2, 3;
