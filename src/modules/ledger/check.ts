// `npm run ledger:check` (operator command `ledger check`): verifies that every journal balances per
// currency, that every journal has postings, and that every running balance equals the sum of its
// postings (posted journals → posted balance, pending journals → pending balance).
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';

export interface LedgerCheckReport {
  ok: boolean;
  journals: number;
  postings: number;
  accounts: number;
  unbalancedJournals: Array<{ journalId: string; currency: string; sumMinor: string }>;
  journalsWithoutPostings: string[];
  mismatchedBalances: Array<{
    account: string;
    currency: string;
    postedMinor: string;
    expectedPostedMinor: string;
    pendingMinor: string;
    expectedPendingMinor: string;
  }>;
}

/** At most this many problems of each kind are listed (the counts stay exact in `ok`). */
const LIST_LIMIT = 100;

export async function checkLedger(db: Executor): Promise<LedgerCheckReport> {
  const counts = await sql<{ journals: string; postings: string; accounts: string }>`
    select (select count(*) from ledger_journals)::text as journals,
           (select count(*) from ledger_postings)::text as postings,
           (select count(*) from ledger_balances)::text as accounts`.execute(db);
  const unbalanced = await sql<{ journal_id: string; currency: string; total: string }>`
    select journal_id, currency, sum(amount_minor)::text as total
      from ledger_postings group by journal_id, currency having sum(amount_minor) <> 0
      order by journal_id limit ${LIST_LIMIT}`.execute(db);
  const empty = await sql<{ id: string }>`
    select j.id from ledger_journals j
     where not exists (select 1 from ledger_postings p where p.journal_id = j.id)
     order by j.id limit ${LIST_LIMIT}`.execute(db);
  const mismatched = await sql<{
    account: string;
    currency: string;
    posted: string;
    expected_posted: string;
    pending: string;
    expected_pending: string;
  }>`
    with sums as (
      select p.account, p.currency,
             coalesce(sum(p.amount_minor) filter (where j.status = 'POSTED'), 0) as posted,
             coalesce(sum(p.amount_minor) filter (where j.status = 'PENDING'), 0) as pending
        from ledger_postings p join ledger_journals j on j.id = p.journal_id
       group by p.account, p.currency
    )
    select coalesce(b.account, s.account) as account, coalesce(b.currency, s.currency) as currency,
           coalesce(b.posted_minor, 0)::text as posted, coalesce(s.posted, 0)::text as expected_posted,
           coalesce(b.pending_minor, 0)::text as pending, coalesce(s.pending, 0)::text as expected_pending
      from ledger_balances b full outer join sums s on s.account = b.account and s.currency = b.currency
     where coalesce(b.posted_minor, 0) <> coalesce(s.posted, 0) or coalesce(b.pending_minor, 0) <> coalesce(s.pending, 0)
     order by 1, 2 limit ${LIST_LIMIT}`.execute(db);
  const c = counts.rows[0]!;
  const report: LedgerCheckReport = {
    ok: unbalanced.rows.length === 0 && empty.rows.length === 0 && mismatched.rows.length === 0,
    journals: Number(c.journals),
    postings: Number(c.postings),
    accounts: Number(c.accounts),
    unbalancedJournals: unbalanced.rows.map((r) => ({
      journalId: r.journal_id,
      currency: r.currency,
      sumMinor: r.total,
    })),
    journalsWithoutPostings: empty.rows.map((r) => r.id),
    mismatchedBalances: mismatched.rows.map((r) => ({
      account: r.account,
      currency: r.currency,
      postedMinor: r.posted,
      expectedPostedMinor: r.expected_posted,
      pendingMinor: r.pending,
      expectedPendingMinor: r.expected_pending,
    })),
  };
  return report;
}
