// Ratio's three client reports (guides/client-dashboard-alpha.md) for a date range, with the same
// figures per day, week or month, and the partner revenue the ledger holds. Definitions:
// docs/dashboard.md. Amounts are USD decimal strings, as in the API.
import type { AppContext } from '../../context.ts';
import { divRound, formatUsd } from '../../lib/money.ts';
import { revenueShareAccounts } from '../purchases/revenue-share.ts';
import { balances } from '../ledger/index.ts';
import { bucketsOf, type Bucket, type DateRange } from './range.ts';
import {
  activeUsers,
  funnelCounts,
  onboardedUsers,
  revenueByMonth,
  series,
  transactionTotals,
  type FunnelCounts,
  type SeriesRow,
} from './report-queries.ts';

export const FUNNEL_STEPS = [
  { key: 'phoneEntered', label: 'Entered a Mobile Phone Number' },
  { key: 'smsVerified', label: 'SMS OTP Verification Successful' },
  { key: 'kycSubmitted', label: 'KYC Submitted' },
  { key: 'kycApproved', label: 'KYC Approved' },
  { key: 'bankVerified', label: 'Bank Account Verified' },
  { key: 'transacted', label: 'Completed at least One Transaction' },
] as const satisfies ReadonlyArray<{ key: keyof FunnelCounts; label: string }>;

/** count / top as a percentage with two decimals (0 when nothing entered the funnel). */
export function percentOf(count: number, top: number): number {
  return top === 0 ? 0 : Math.round((count * 10_000) / top) / 100;
}

export interface SeriesPoint {
  bucket: string;
  transactions: number;
  instantVolume: string;
  standardVolume: string;
  totalVolume: string;
  fees: string;
  partnerRevenue: string;
  activeUsers: number;
  newUsers: number;
  walletsConnected: number;
}

function point(row: SeriesRow | undefined, bucket: string): SeriesPoint {
  const iv = row?.instantVolumeCents ?? 0n;
  const sv = row?.standardVolumeCents ?? 0n;
  return {
    bucket,
    transactions: Number((row?.instantTransactions ?? 0n) + (row?.standardTransactions ?? 0n)),
    instantVolume: formatUsd(iv),
    standardVolume: formatUsd(sv),
    totalVolume: formatUsd(iv + sv),
    fees: formatUsd(row?.feeCents ?? 0n),
    partnerRevenue: formatUsd(row?.revenueCents ?? 0n),
    activeUsers: row?.activeUsers ?? 0,
    newUsers: row?.newUsers ?? 0,
    walletsConnected: row?.walletsConnected ?? 0,
  };
}

export async function seriesPoints(
  ctx: AppContext,
  clientId: string,
  range: DateRange,
): Promise<{ bucket: Bucket; points: SeriesPoint[] }> {
  const rows = await series(ctx.db, clientId, range);
  return { bucket: range.bucket, points: bucketsOf(range).map((b) => point(rows.get(b), b)) };
}

export async function overview(ctx: AppContext, clientId: string, range: DateRange) {
  const totals = await transactionTotals(ctx.db, clientId, range);
  const active = await activeUsers(ctx.db, clientId, range);
  const users = await onboardedUsers(ctx.db, clientId, range);
  const funnel = await funnelCounts(ctx.db, clientId, range);
  const of = (t: 'INSTANT' | 'STANDARD') => totals.find((x) => x.achType === t);
  const sum = (f: (x: (typeof totals)[number]) => bigint) => totals.reduce((a, x) => a + f(x), 0n);
  const count = sum((x) => x.transactions);
  const volume = sum((x) => x.volumeCents);
  return {
    range: { from: range.from, to: range.to, bucket: range.bucket },
    users: { new: users.new, total: users.total, active },
    transactions: {
      totalVolume: formatUsd(volume),
      instantVolume: formatUsd(of('INSTANT')?.volumeCents ?? 0n),
      standardVolume: formatUsd(of('STANDARD')?.volumeCents ?? 0n),
      count: Number(count),
      instantCount: Number(of('INSTANT')?.transactions ?? 0n),
      standardCount: Number(of('STANDARD')?.transactions ?? 0n),
      averageAmount: formatUsd(count === 0n ? 0n : divRound(volume, count)),
      averageVolumePerActiveUser: formatUsd(active === 0 ? 0n : divRound(volume, BigInt(active))),
      fees: formatUsd(sum((x) => x.feeCents)),
      instantFees: formatUsd(of('INSTANT')?.feeCents ?? 0n),
      standardFees: formatUsd(of('STANDARD')?.feeCents ?? 0n),
      partnerRevenue: formatUsd(sum((x) => x.revenueCents)),
    },
    funnel: {
      top: funnel.connected,
      steps: FUNNEL_STEPS.map((s) => ({
        key: s.key,
        label: s.label,
        count: funnel[s.key],
        percent: percentOf(funnel[s.key], funnel.connected),
      })),
    },
    series: await seriesPoints(ctx, clientId, range),
  };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

/** The revenue share as the ledger holds it: owed now, and accrued / reversed per month. */
export async function partnerRevenue(ctx: AppContext, clientId: string) {
  const account = revenueShareAccounts.payable(clientId);
  const client = await ctx.db
    .selectFrom('clients')
    .select('revenue_share_bps')
    .where('id', '=', clientId)
    .executeTakeFirstOrThrow();
  const owed = await balances(ctx.db, account, 'USD');
  const months = await revenueByMonth(ctx.db, account, 24);
  return {
    revenueShareBps: client.revenue_share_bps,
    ledgerAccount: account,
    // The payable is a credit balance: what the platform owes the partner.
    accrued: formatUsd(-owed.posted),
    byMonth: months.map((m) => ({
      month: m.month,
      accrued: formatUsd(m.accruedCents),
      reversed: formatUsd(m.reversedCents),
      net: formatUsd(m.accruedCents - m.reversedCents),
    })),
  };
}

/** The series as CSV (one row per bucket), for spreadsheets. */
export function seriesCsv(points: SeriesPoint[]): string {
  const header = [
    'period_start',
    'new_users',
    'active_users',
    'wallets_connected',
    'transactions',
    'instant_ach_volume_usd',
    'standard_ach_volume_usd',
    'total_volume_usd',
    'fees_usd',
    'partner_revenue_usd',
  ];
  const lines = points.map((p) =>
    [
      p.bucket,
      p.newUsers,
      p.activeUsers,
      p.walletsConnected,
      p.transactions,
      p.instantVolume,
      p.standardVolume,
      p.totalVolume,
      p.fees,
      p.partnerRevenue,
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
