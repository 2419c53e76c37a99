-- The rollup trigger of 0071, rewritten so that no join is between two CTEs. The planner has no
-- statistics for transition tables and expects a row or two, so 0071's joins of the upsert's RETURNING
-- with the delta, and of the flips with the positions, became nested loops over CTE scans: quadratic,
-- and a 1M-row insert never finished. Here three statements share the delta; each joins it to a table
-- through that table's primary key (an index probe a row whatever the estimate):
--   1. the rollups of 0070, as 0070 writes them;
--   2. a position for each user of the delta that has none (a concurrent first transaction of the same
--      user makes this wait, then keep the other's position: the next statement sees it);
--   3. the bits that flip: a (client, day, user) whose count crossed zero. Its count before the
--      statement is its count now minus the delta, and this transaction holds that row's lock since
--      statement 1, so no one else changed it in between.
create or replace function dashboard_activity_rollup() returns trigger language plpgsql as $$
declare
  source text := case tg_op
    when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
    when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
    else 'select o.*, -1 as sign from old_rows o union all select n.*, 1 as sign from new_rows n' end;
  delta text := format($q$
    changed as (%s),
    delta as (
      select client_id, (created_at at time zone 'UTC')::date as day,
             case funding_method when 'ACH_ORIGINATED_INSTANT' then 'INSTANT' else 'STANDARD' end as ach_type,
             (abs(hashtext(id::text)) %% 8)::smallint as shard, user_id,
             sign as n, sign * fiat_amount_cents as volume, sign * fee_cents as fee
        from changed where dashboard_counts(fiat_status, crypto_status)
    ),
    per_user_day as (
      select client_id, day, user_id, sum(n)::integer as n from delta group by 1, 2, 3 having sum(n) <> 0
    )
  $q$, source);
begin
  execute format($q$
    with %s,
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
    select client_id, day, user_id, n from per_user_day order by 1, 2, 3
    on conflict (client_id, day, user_id) do update set transactions = u.transactions + excluded.transactions
  $q$, delta);

  execute format($q$
    with %s
    insert into dashboard_user_ordinals (client_id, user_id, ordinal)
    select client_id, user_id, nextval('dashboard_user_ordinals_seq')
      from (select distinct p.client_id, p.user_id from per_user_day p
             where not exists (select 1 from dashboard_user_ordinals o
                                where o.client_id = p.client_id and o.user_id = p.user_id)
             order by 1, 2) x
    on conflict (client_id, user_id) do nothing
  $q$, delta);

  execute format($q$
    with %s,
    flips as (
      select p.client_id, p.day, p.user_id from per_user_day p
        join dashboard_daily_users u on u.client_id = p.client_id and u.day = p.day and u.user_id = p.user_id
       where (u.transactions > 0) <> (u.transactions - p.n > 0)
    )
    insert into dashboard_daily_active as a (client_id, day, block, users)
    select f.client_id, f.day, (o.ordinal >> 10)::integer, bit_or(B'1'::bit(1024) >> (o.ordinal & 1023)::integer)
      from flips f join dashboard_user_ordinals o on o.client_id = f.client_id and o.user_id = f.user_id
     group by 1, 2, 3 order by 1, 2, 3
    on conflict (client_id, day, block) do update set users = a.users # excluded.users
  $q$, delta);
  return null;
end $$;
