-- The double-entry ledger. A journal is one business event (a purchase, a settlement, a return, a
-- delivery) identified by (kind, reference); its postings move amounts between named accounts in
-- bigint minor units of one currency each (debits positive, credits negative). Every journal sums to
-- zero per currency: the application checks it before writing, and a deferred constraint trigger
-- checks it again at commit, so no code path can commit an unbalanced journal.
-- Postings are immutable. A journal is PENDING, POSTED or VOIDED; a pending journal moves to posted
-- or voided exactly once (a conditional update). ledger_balances keeps each account's running
-- posted and pending balances, updated in the same transaction as the postings, rows touched in a
-- fixed order (account, currency) so concurrent journals cannot deadlock.
create table ledger_journals (
  id uuid primary key,
  kind text not null check (kind ~ '^[a-z0-9_.:-]{1,64}$'),
  reference text not null check (length(reference) between 1 and 200),
  status text not null check (status in ('PENDING', 'POSTED', 'VOIDED')),
  -- A hash of the postings: a retried post with the same key must carry the same lines.
  lines_hash text not null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (kind, reference)
);
create index ledger_journals_created on ledger_journals (created_at);

create table ledger_postings (
  id bigint generated always as identity primary key,
  journal_id uuid not null references ledger_journals (id),
  account text not null check (length(account) between 1 and 200),
  currency text not null check (currency ~ '^[A-Z0-9_]{1,32}$'),
  amount_minor bigint not null check (amount_minor <> 0),
  created_at timestamptz not null
);
create index ledger_postings_journal on ledger_postings (journal_id);
create index ledger_postings_account on ledger_postings (account, currency, created_at);

create table ledger_balances (
  account text not null,
  currency text not null,
  posted_minor bigint not null default 0,
  pending_minor bigint not null default 0,
  updated_at timestamptz not null,
  primary key (account, currency)
);

create function ledger_postings_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'ledger postings are immutable (journal %)', old.journal_id using errcode = 'restrict_violation';
end $$;
create trigger ledger_postings_no_update before update or delete on ledger_postings
  for each row execute function ledger_postings_immutable();

create function ledger_journal_balanced() returns trigger language plpgsql as $$
declare
  unbalanced record;
begin
  select currency, sum(amount_minor) as total into unbalanced
    from ledger_postings where journal_id = new.journal_id
    group by currency having sum(amount_minor) <> 0 limit 1;
  if found then
    raise exception 'ledger journal % does not balance in % (sum %)', new.journal_id, unbalanced.currency, unbalanced.total
      using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger ledger_postings_balanced after insert on ledger_postings
  deferrable initially deferred for each row execute function ledger_journal_balanced();
