// The reports' SQL (definitions in docs/dashboard.md). Transactions, fees and partner revenue read the
// daily rollups that triggers keep beside activity_items (0070), so a range costs one row per day,
// ACH type and shard whatever the number of activity items; users and the funnel read the client's
// users and wallets through their indexes.
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Bucket, DateRange } from './range.ts';

export interface TypeTotals {
  achType: 'INSTANT' | 'STANDARD';
  transactions: bigint;
  volumeCents: bigint;
  feeCents: bigint;
  revenueCents: bigint;
}

const num = (v: string | null | undefined) => BigInt(v ?? '0');

export async function transactionTotals(db: Executor, clientId: string, r: DateRange): Promise<TypeTotals[]> {
  const rows = await sql<{ ach_type: 'INSTANT' | 'STANDARD'; n: string; v: string; f: string; rev: string }>`
    select ach_type, sum(transactions)::text as n, sum(volume_cents)::text as v, sum(fee_cents)::text as f,
           sum(revenue_cents)::text as rev
      from dashboard_daily_activity
     where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date
     group by ach_type`.execute(db);
  return rows.rows.map((x) => ({
    achType: x.ach_type,
    transactions: num(x.n),
    volumeCents: num(x.v),
    feeCents: num(x.f),
    revenueCents: num(x.rev),
  }));
}

export async function activeUsers(db: Executor, clientId: string, r: DateRange): Promise<number> {
  const row = await sql<{ n: string }>`
    select count(distinct user_id)::text as n from dashboard_daily_users
     where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date and transactions > 0`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * The client's fully onboarded users with the time they became so: KYC approved and a bank account
 * verified (APPROVED), counted from when the later of the two happened, or from when the user joined
 * this client if that came after.
 */
function onboarded(clientId: string): RawBuilder<unknown> {
  return sql`
    select uc.user_id,
           greatest(uc.created_at, coalesce(k.decided_at, k.updated_at), b.verified_at) as onboarded_at
      from user_clients uc
      join kyc_submissions k on k.user_id = uc.user_id and k.status = 'APPROVED'
      join lateral (
        select min(verified_at) as verified_at from banks
         where banks.user_id = uc.user_id and verification_status = 'APPROVED' and verified_at is not null
      ) b on b.verified_at is not null
     where uc.client_id = ${clientId}`;
}

export async function onboardedUsers(
  db: Executor,
  clientId: string,
  r: DateRange,
): Promise<{ total: number; new: number }> {
  const row = await sql<{ total: string; fresh: string }>`
    with o as (${onboarded(clientId)})
    select count(*) filter (where onboarded_at < ${r.toTime})::text as total,
           count(*) filter (where onboarded_at >= ${r.fromTime} and onboarded_at < ${r.toTime})::text as fresh
      from o`.execute(db);
  return { total: Number(row.rows[0]?.total ?? 0), new: Number(row.rows[0]?.fresh ?? 0) };
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

/** Wallets first connected in the range, and how many of them reached each later step (by now). */
export async function funnelCounts(db: Executor, clientId: string, r: DateRange): Promise<FunnelCounts> {
  const row = await sql<Record<string, string>>`
    select count(*)::text as connected,
           count(*) filter (where f.phone_entered_at is not null)::text as phone,
           count(*) filter (where f.sms_verified_at is not null)::text as sms,
           count(*) filter (where k.user_id is not null)::text as kyc_submitted,
           count(*) filter (where k.status = 'APPROVED')::text as kyc_approved,
           count(*) filter (where exists (
             select 1 from banks b where b.user_id = sw.user_id and b.verification_status = 'APPROVED' and b.verified_at is not null
           ))::text as bank,
           count(*) filter (where exists (
             select 1 from dashboard_daily_users d where d.client_id = f.client_id and d.user_id = sw.user_id and d.transactions > 0
           ))::text as transacted
      from funnel_wallets f
      left join signing_wallets sw on sw.wallet_type = f.wallet_type and sw.address = f.address
      left join kyc_submissions k on k.user_id = sw.user_id
     where f.client_id = ${clientId} and f.connected_at >= ${r.fromTime} and f.connected_at < ${r.toTime}`.execute(db);
  const x = row.rows[0] ?? {};
  const n = (k: string) => Number(x[k] ?? 0);
  return {
    connected: n('connected'),
    phoneEntered: n('phone'),
    smsVerified: n('sms'),
    kycSubmitted: n('kyc_submitted'),
    kycApproved: n('kyc_approved'),
    bankVerified: n('bank'),
    transacted: n('transacted'),
  };
}

export interface SeriesRow {
  bucket: string;
  instantTransactions: bigint;
  standardTransactions: bigint;
  instantVolumeCents: bigint;
  standardVolumeCents: bigint;
  feeCents: bigint;
  revenueCents: bigint;
  activeUsers: number;
  newUsers: number;
  walletsConnected: number;
}

const bucketOf = (column: RawBuilder<unknown>, bucket: Bucket) =>
  sql<string>`to_char(date_trunc(${bucket}, ${column}), 'YYYY-MM-DD')`;

/** The same figures per day, week or month; buckets without data are absent (the caller fills them). */
export async function series(db: Executor, clientId: string, r: DateRange): Promise<Map<string, SeriesRow>> {
  const day = bucketOf(sql`day::timestamp`, r.bucket);
  const utc = (c: string) => bucketOf(sql`(${sql.ref(c)} at time zone 'UTC')`, r.bucket);
  const activity = await sql<Record<string, string>>`
    select ${day} as b,
           sum(transactions) filter (where ach_type = 'INSTANT')::text as it,
           sum(transactions) filter (where ach_type = 'STANDARD')::text as st,
           sum(volume_cents) filter (where ach_type = 'INSTANT')::text as iv,
           sum(volume_cents) filter (where ach_type = 'STANDARD')::text as sv,
           sum(fee_cents)::text as f, sum(revenue_cents)::text as rev
      from dashboard_daily_activity
     where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date group by 1`.execute(db);
  const active = await sql<{ b: string; n: string }>`
    select ${day} as b, count(distinct user_id)::text as n from dashboard_daily_users
     where client_id = ${clientId} and day between ${r.from}::date and ${r.to}::date and transactions > 0
     group by 1`.execute(db);
  const fresh = await sql<{ b: string; n: string }>`
    with o as (${onboarded(clientId)})
    select ${utc('onboarded_at')} as b, count(*)::text as n from o
     where onboarded_at >= ${r.fromTime} and onboarded_at < ${r.toTime} group by 1`.execute(db);
  const wallets = await sql<{ b: string; n: string }>`
    select ${utc('connected_at')} as b, count(*)::text as n from funnel_wallets
     where client_id = ${clientId} and connected_at >= ${r.fromTime} and connected_at < ${r.toTime} group by 1`.execute(
    db,
  );

  const out = new Map<string, SeriesRow>();
  const at = (b: string): SeriesRow => {
    let row = out.get(b);
    if (!row) {
      row = {
        bucket: b,
        instantTransactions: 0n,
        standardTransactions: 0n,
        instantVolumeCents: 0n,
        standardVolumeCents: 0n,
        feeCents: 0n,
        revenueCents: 0n,
        activeUsers: 0,
        newUsers: 0,
        walletsConnected: 0,
      };
      out.set(b, row);
    }
    return row;
  };
  for (const x of activity.rows) {
    const row = at(x.b!);
    row.instantTransactions = num(x.it);
    row.standardTransactions = num(x.st);
    row.instantVolumeCents = num(x.iv);
    row.standardVolumeCents = num(x.sv);
    row.feeCents = num(x.f);
    row.revenueCents = num(x.rev);
  }
  for (const x of active.rows) at(x.b).activeUsers = Number(x.n);
  for (const x of fresh.rows) at(x.b).newUsers = Number(x.n);
  for (const x of wallets.rows) at(x.b).walletsConnected = Number(x.n);
  return out;
}

export interface RevenueMonth {
  month: string;
  accruedCents: bigint;
  reversedCents: bigint;
}

/** Partner revenue from the ledger: what the payable account received and gave back, per month (UTC). */
export async function revenueByMonth(db: Executor, payableAccount: string, limit: number): Promise<RevenueMonth[]> {
  const rows = await sql<{ m: string; accrued: string; reversed: string }>`
    select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as m,
           coalesce(-sum(amount_minor) filter (where amount_minor < 0), 0)::text as accrued,
           coalesce(sum(amount_minor) filter (where amount_minor > 0), 0)::text as reversed
      from ledger_postings where account = ${payableAccount} and currency = 'USD'
     group by 1 order by 1 desc limit ${limit}`.execute(db);
  return rows.rows.map((x) => ({ month: x.m, accruedCents: num(x.accrued), reversedCents: num(x.reversed) }));
}
