// Ratio's three client reports (guides/client-dashboard-alpha.md) for a date range, with the same
// figures per day, week or month, and the partner revenue the ledger holds. Definitions:
// docs/dashboard.md. Amounts are USD decimal strings, as in the API.
import type { AppContext } from '../../context.ts';
import { divRound, formatUsd, usdCents } from '../../lib/money.ts';
import { revenueShareAccounts } from '../purchases/revenue-share.ts';
import { balances } from '../ledger/index.ts';
import { bucketsOf, type Bucket, type DateRange } from './range.ts';
import {
  activeUsers,
  foldOnboarding,
  funnel,
  NO_TRANSACTIONS,
  onboardedUsers,
  revenueByMonth,
  revenueShareBps,
  transactions,
  type FunnelCounts,
  type TypeTotals,
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

function transactionFigures(t: TypeTotals, active: number) {
  const count = t.instantTransactions + t.standardTransactions;
  const volume = usdCents(t.instantVolumeCents + t.standardVolumeCents);
  return {
    totalVolume: formatUsd(volume),
    instantVolume: formatUsd(t.instantVolumeCents),
    standardVolume: formatUsd(t.standardVolumeCents),
    count: Number(count),
    instantCount: Number(t.instantTransactions),
    standardCount: Number(t.standardTransactions),
    averageAmount: formatUsd(usdCents(count === 0n ? 0n : divRound(volume, count))),
    averageVolumePerActiveUser: formatUsd(usdCents(active === 0 ? 0n : divRound(volume, BigInt(active)))),
    fees: formatUsd(usdCents(t.instantFeeCents + t.standardFeeCents)),
    instantFees: formatUsd(t.instantFeeCents),
    standardFees: formatUsd(t.standardFeeCents),
    partnerRevenue: formatUsd(t.revenueCents),
  };
}

/** The reports for a range: four queries, each giving the range's figure and its series. */
export async function overview(ctx: AppContext, clientId: string, range: DateRange) {
  const tx = await transactions(ctx.db, clientId, range);
  const active = await activeUsers(ctx.db, clientId, range);
  await foldOnboarding(ctx.db); // keeps the users' computed part small (the figures are exact without it)
  const users = await onboardedUsers(ctx.db, clientId, range);
  const f = await funnel(ctx.db, clientId, range);
  const points: SeriesPoint[] = bucketsOf(range).map((b) => {
    const t = tx.byBucket.get(b) ?? NO_TRANSACTIONS;
    const x = transactionFigures(t, 0);
    return {
      bucket: b,
      transactions: x.count,
      instantVolume: x.instantVolume,
      standardVolume: x.standardVolume,
      totalVolume: x.totalVolume,
      fees: x.fees,
      partnerRevenue: x.partnerRevenue,
      activeUsers: active.byBucket.get(b) ?? 0,
      newUsers: users.byBucket.get(b) ?? 0,
      walletsConnected: f.connectedByBucket.get(b) ?? 0,
    };
  });
  return {
    range: { from: range.from, to: range.to, bucket: range.bucket },
    users: { new: users.new, total: users.total, active: active.total },
    transactions: transactionFigures(tx.total, active.total),
    funnel: {
      top: f.counts.connected,
      steps: FUNNEL_STEPS.map((s) => ({
        key: s.key,
        label: s.label,
        count: f.counts[s.key],
        percent: percentOf(f.counts[s.key], f.counts.connected),
      })),
    },
    series: { bucket: range.bucket as Bucket, points },
  };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

/** The revenue share as the ledger holds it: owed now, and accrued / reversed per month. */
export async function partnerRevenue(ctx: AppContext, clientId: string) {
  const account = revenueShareAccounts.payable(clientId);
  const owed = await balances(ctx.db, account, 'USD');
  const months = await revenueByMonth(ctx.db, account, 24);
  return {
    revenueShareBps: await revenueShareBps(ctx.db, clientId),
    ledgerAccount: account,
    // The payable is a credit balance: what the platform owes the partner.
    accrued: formatUsd(usdCents(-owed.posted)),
    byMonth: months.map((m) => ({
      month: m.month,
      accrued: formatUsd(m.accruedCents),
      reversed: formatUsd(m.reversedCents),
      net: formatUsd(usdCents(m.accruedCents - m.reversedCents)),
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
