// The reports' SQL (definitions in docs/dashboard.md): four statements per overview, each giving the
// range's figure and the same figure per bucket (GROUPING SETS: the `()` set is the whole range).
// Transactions, fees and partner revenue read the daily rollups that triggers keep beside
// activity_items (0070), so a range costs one row per day, ACH type and shard whatever the number of
// activity items; active users read per-day bitmaps of users (0071); users and the funnel read the
// client's users and wallets through their indexes.
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { type UsdCents, usdCents } from '../../lib/money.ts';
import type { Bucket, DateRange } from './range.ts';

const num = (v: string | null | undefined) => BigInt(v ?? '0');
const cents = (v: string | null | undefined) => usdCents(num(v));

const bucketOf = (column: RawBuilder<unknown>, bucket: Bucket) =>
  sql<string>`to_char(date_trunc(${bucket}, ${column}), 'YYYY-MM-DD')`;
const dayBucket = (r: DateRange) => bucketOf(sql`day::timestamp`, r.bucket);
const utcBucket = (column: string, r: DateRange) => bucketOf(sql`(${sql.ref(column)} at time zone 'UTC')`, r.bucket);

/** A figure for the whole range (`total`) and per bucket start day. */
export interface PerBucket<T> {
  total: T;
  byBucket: Map<string, T>;
}

function split<R extends { b: string | null }, T>(rows: R[], value: (r: R) => T, empty: T): PerBucket<T> {
  const byBucket = new Map<string, T>();
  let total = empty;
  for (const r of rows) {
    if (r.b === null) total = value(r);
    else byBucket.set(r.b, value(r));
  }
  return { total, byBucket };
}

export interface TypeTotals {
  instantTransactions: bigint;
  standardTransactions: bigint;
  instantVolumeCents: UsdCents;
  standardVolumeCents: UsdCents;
  instantFeeCents: UsdCents;
  standardFeeCents: UsdCents;
  revenueCents: UsdCents;
}

export const NO_TRANSACTIONS: TypeTotals = {
  instantTransactions: 0n,
  standardTransactions: 0n,
  instantVolumeCents: usdCents(0n),
  standardVolumeCents: usdCents(0n),
  instantFeeCents: usdCents(0n),
  standardFeeCents: usdCents(0n),
  revenueCents: usdCents(0n),
};

/** Completed transactions, volume, fees and partner revenue, by ACH type (the rollup). */
export async function transactions(db: Executor, clientId: string, r: DateRange): Promise<PerBucket<TypeTotals>> {
  const rows = await sql<Record<string, string> & { b: string | null }>`
    select ${dayBucket(r)} as b,
           sum(transactions) filter (where ach_type = 'INSTANT')::text as it,
           sum(transactions) filter (where ach_type = 'STANDARD')::text as st,
           sum(volume_cents) filter (where ach_type = 'INSTANT')::text as iv,
           sum(volume_cents) filter (where ach_type = 'STANDARD')::text as sv,
           sum(fee_cents) filter (where ach_type = 'INSTANT')::text as if,
           sum(fee_cents) filter (where ach_type = 'STANDARD')::text as sf,
           sum(revenue_cents)::text as rev
      from dashboard_daily_activity
     where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date
     group by grouping sets ((1), ())`.execute(db);
  return split(
    rows.rows,
    (x) => ({
      instantTransactions: num(x.it),
      standardTransactions: num(x.st),
      instantVolumeCents: cents(x.iv),
      standardVolumeCents: cents(x.sv),
      instantFeeCents: cents(x.if),
      standardFeeCents: cents(x.sf),
      revenueCents: cents(x.rev),
    }),
    NO_TRANSACTIONS,
  );
}

/**
 * Users with a completed transaction (distinct: they do not add up across days). Each day holds the
 * client's active users as bitmaps of 1,024 users (0071): a bucket's or the range's users are the bits
 * set on any of its days, block by block (blocks hold different users, so their counts add up).
 */
export async function activeUsers(db: Executor, clientId: string, r: DateRange): Promise<PerBucket<number>> {
  const rows = await sql<{ b: string | null; n: string }>`
    with per_block as (
      select ${dayBucket(r)} as b, block, bit_count(bit_or(users)) as n from dashboard_daily_active
       where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date
       group by grouping sets ((1, block), (block))
    )
    select b, sum(n)::text as n from per_block group by b`.execute(db);
  return split(rows.rows, (x) => Number(x.n), 0);
}

/**
 * The client's fully onboarded users and when they became so: KYC approved and a bank account
 * verified (APPROVED), from the later of the two, or from when the user joined this client if that
 * came after. `total` counts those onboarded before the range ends; `new` and the buckets, in it.
 * The stored rows (0072) of users without a change mark, and the marked users computed as they are
 * now: exact whether or not the marks were folded in (`foldOnboarding`).
 */
export async function onboardedUsers(
  db: Executor,
  clientId: string,
  r: DateRange,
): Promise<{ total: number; new: number; byBucket: Map<string, number> }> {
  const rows = await sql<{ b: string | null; g: number; total: string; fresh: string }>`
    with changed as materialized (select distinct user_id from dashboard_onboarding_changes),
    o as (
      select onboarded_at from dashboard_onboarded d
       where d.client_id = ${clientId} and d.onboarded_at < ${r.toTime}
         and not exists (select 1 from changed c where c.user_id = d.user_id)
      union all
      select onboarded_at from dashboard_onboarding_of(array(select user_id from changed)) l
       where l.client_id = ${clientId} and l.onboarded_at < ${r.toTime}
    ),
    w as (
      select onboarded_at >= ${r.fromTime} as fresh,
             case when onboarded_at >= ${r.fromTime} then ${utcBucket('onboarded_at', r)} end as b
        from o
    )
    select b, grouping(b) as g, count(*)::text as total, count(*) filter (where fresh)::text as fresh
      from w group by grouping sets ((b), ())`.execute(db);
  const byBucket = new Map<string, number>();
  let whole = { total: 0, fresh: 0 };
  for (const x of rows.rows) {
    if (Number(x.g) === 1) whole = { total: Number(x.total), fresh: Number(x.fresh) };
    else if (x.b !== null && Number(x.fresh) > 0) byBucket.set(x.b, Number(x.fresh));
  }
  return { total: whole.total, new: whole.fresh, byBucket };
}

/** Stores what the users changed since the last fold are (0072: one fold at a time; the others skip). */
export async function foldOnboarding(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`select dashboard_onboarding_fold() as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export interface FunnelCounts {
  connected: number;
  phoneEntered: number;
  smsVerified: number;
  kycSubmitted: number;
  kycApproved: number;
  bankVerified: number;
  transacted: number;
}

/** Wallets first connected in the range (per bucket too), and how many of them reached each later step (by now). */
export async function funnel(
  db: Executor,
  clientId: string,
  r: DateRange,
): Promise<{ counts: FunnelCounts; connectedByBucket: Map<string, number> }> {
  const rows = await sql<Record<string, string> & { b: string | null; g: number }>`
    with w as materialized (
      select ${utcBucket('connected_at', r)} as b,
             f.phone_entered_at is not null as phone,
             f.sms_verified_at is not null as sms,
             k.user_id is not null as kyc_submitted,
             coalesce(k.status = 'APPROVED', false) as kyc_approved,
             exists (select 1 from banks b where b.user_id = sw.user_id and b.verification_status = 'APPROVED'
                     and b.verified_at is not null) as bank,
             exists (select 1 from dashboard_daily_users d where d.client_id = f.client_id and d.user_id = sw.user_id
                     and d.transactions > 0) as transacted
        from funnel_wallets f
        left join signing_wallets sw on sw.wallet_type = f.wallet_type and sw.address = f.address
        left join kyc_submissions k on k.user_id = sw.user_id
       where f.client_id = ${clientId} and f.connected_at >= ${r.fromTime} and f.connected_at < ${r.toTime}
    )
    select b, grouping(b) as g, count(*)::text as connected,
           count(*) filter (where phone)::text as phone, count(*) filter (where sms)::text as sms,
           count(*) filter (where kyc_submitted)::text as kyc_submitted,
           count(*) filter (where kyc_approved)::text as kyc_approved,
           count(*) filter (where bank)::text as bank, count(*) filter (where transacted)::text as transacted
      from w group by grouping sets ((b), ())`.execute(db);
  const connectedByBucket = new Map<string, number>();
  let x: Record<string, string> = {};
  for (const row of rows.rows) {
    if (Number(row.g) === 1) x = row;
    else if (row.b !== null) connectedByBucket.set(row.b, Number(row.connected));
  }
  const n = (k: string) => Number(x[k] ?? 0);
  return {
    counts: {
      connected: n('connected'),
      phoneEntered: n('phone'),
      smsVerified: n('sms'),
      kycSubmitted: n('kyc_submitted'),
      kycApproved: n('kyc_approved'),
      bankVerified: n('bank'),
      transacted: n('transacted'),
    },
    connectedByBucket,
  };
}

export interface RevenueMonth {
  month: string;
  accruedCents: UsdCents;
  reversedCents: UsdCents;
}

/** Partner revenue from the ledger: what the payable account received and gave back, per month (UTC). */
export async function revenueByMonth(db: Executor, payableAccount: string, limit: number): Promise<RevenueMonth[]> {
  const rows = await sql<{ m: string; accrued: string; reversed: string }>`
    select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as m,
           coalesce(-sum(amount_minor) filter (where amount_minor < 0), 0)::text as accrued,
           coalesce(sum(amount_minor) filter (where amount_minor > 0), 0)::text as reversed
      from ledger_postings where account = ${payableAccount} and currency = 'USD'
     group by 1 order by 1 desc limit ${limit}`.execute(db);
  return rows.rows.map((x) => ({ month: x.m, accruedCents: cents(x.accrued), reversedCents: cents(x.reversed) }));
}

export async function revenueShareBps(db: Executor, clientId: string): Promise<number> {
  const row = await db
    .selectFrom('clients')
    .select('revenue_share_bps')
    .where('id', '=', clientId)
    .executeTakeFirstOrThrow();
  return row.revenue_share_bps;
}
