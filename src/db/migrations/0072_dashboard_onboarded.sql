-- The dashboard's fully onboarded users (docs/dashboard.md) kept per client and user, so that New and
-- Total Users read an index range instead of joining every user of the client to its KYC and banks.
--
-- Writers only append a change mark (user_clients, kyc_submissions and banks triggers): a mark commits
-- with its change, and no writer waits on another. A reader takes the stored rows of the users without
-- a mark and computes the marked ones (dashboard_onboarding_of), in one snapshot: always exact. The
-- dashboard folds the marks into the stored rows before it reads (dashboard_onboarding_fold).

-- When each user became fully onboarded for each of its clients (no row: not onboarded).
create function dashboard_onboarding_of(ids uuid[]) returns table (client_id uuid, user_id uuid, onboarded_at timestamptz)
language sql stable as $$
  select uc.client_id, uc.user_id, greatest(uc.created_at, coalesce(k.decided_at, k.updated_at), b.verified_at)
    from user_clients uc
    join kyc_submissions k on k.user_id = uc.user_id and k.status = 'APPROVED'
    join lateral (
      select min(verified_at) as verified_at from banks
       where banks.user_id = uc.user_id and verification_status = 'APPROVED' and verified_at is not null
    ) b on b.verified_at is not null
   where uc.user_id = any(ids)
$$;

create table dashboard_onboarded (
  client_id uuid not null,
  user_id uuid not null,
  onboarded_at timestamptz not null,
  primary key (client_id, user_id)
);
create index dashboard_onboarded_client_at on dashboard_onboarded (client_id, onboarded_at);
create index dashboard_onboarded_user on dashboard_onboarded (user_id);

-- Users whose stored rows may be stale. No unique key: appending never waits.
create table dashboard_onboarding_changes (
  id bigint generated always as identity primary key,
  user_id uuid not null
);

create function dashboard_onboarding_changed() returns trigger language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    insert into dashboard_onboarding_changes (user_id) values (old.user_id);
  end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.user_id is distinct from old.user_id) then
    insert into dashboard_onboarding_changes (user_id) values (new.user_id);
  end if;
  return null;
end $$;

create trigger user_clients_onboarding after insert or delete on user_clients
  for each row execute function dashboard_onboarding_changed();
create trigger user_clients_onboarding_update after update on user_clients
  for each row when (old.* is distinct from new.*) execute function dashboard_onboarding_changed();
create trigger kyc_submissions_onboarding after insert or delete on kyc_submissions
  for each row execute function dashboard_onboarding_changed();
create trigger kyc_submissions_onboarding_update after update on kyc_submissions
  for each row when (old.status is distinct from new.status or old.decided_at is distinct from new.decided_at
                     or old.updated_at is distinct from new.updated_at or old.user_id is distinct from new.user_id)
  execute function dashboard_onboarding_changed();
create trigger banks_onboarding after insert or delete on banks
  for each row execute function dashboard_onboarding_changed();
create trigger banks_onboarding_update after update on banks
  for each row when (old.verification_status is distinct from new.verification_status
                     or old.verified_at is distinct from new.verified_at or old.user_id is distinct from new.user_id)
  execute function dashboard_onboarding_changed();

-- Folds the marks into the stored rows: deletes the marks its snapshot sees and stores what those
-- users are in that snapshot (each mark committed with its change, so the snapshot has the change).
-- One fold at a time (an advisory lock; a second one skips): folds commit in snapshot order, so an
-- older snapshot never overwrites a newer one (a fold that started before the last one committed
-- finds the marks it saw already deleted, and stores nothing for them).
create function dashboard_onboarding_fold() returns integer language sql volatile as $$
  with go as (select pg_try_advisory_xact_lock(710072) as ok),
  gone as (delete from dashboard_onboarding_changes where (select ok from go) returning user_id),
  ids as (select coalesce(array_agg(distinct user_id), '{}') as ids from gone),
  live as (select * from dashboard_onboarding_of((select ids from ids))),
  stored as (
    insert into dashboard_onboarded as d (client_id, user_id, onboarded_at)
    select client_id, user_id, onboarded_at from live order by 1, 2
    on conflict (client_id, user_id) do update set onboarded_at = excluded.onboarded_at
    returning 1
  ),
  removed as (
    delete from dashboard_onboarded d
     where d.user_id in (select user_id from gone)
       and not exists (select 1 from live l where l.client_id = d.client_id and l.user_id = d.user_id)
    returning 1
  )
  select (select count(*) from gone)::integer
$$;

-- Existing users.
insert into dashboard_onboarded (client_id, user_id, onboarded_at)
select client_id, user_id, onboarded_at from dashboard_onboarding_of(array(select distinct user_id from user_clients));
