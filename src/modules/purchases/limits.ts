// ACH limits. "Used" is read from the ledger (the debits of the user's ACH receivable accounts in
// the rolling window, voided purchases excluded), never from a counter that could drift from it.
// assertWithinLimits runs inside the purchase's transaction after the user row is locked, so two
// concurrent purchases of one user are checked one after the other against the same ledger.
import type { ProductConfig } from './config.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { formatUsd, type UsdCents, usdCents } from '../../lib/money.ts';
import { sumPostings } from '../ledger/index.ts';
import { accounts, USD } from './journals.ts';
import type { AchType } from './tables.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AchUsage {
  instantDayCents: UsdCents;
  dayCents: UsdCents;
  weekCents: UsdCents;
  /** Purchases (not voided) in the last 24 hours. */
  dayCount: number;
}

export async function achUsage(db: Executor, userId: string, now: Date): Promise<AchUsage> {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const sum = (type: AchType, from: Date) =>
    sumPostings(db, { account: accounts.receivable(userId, type), currency: USD, from, sign: 'debits' });
  // One at a time: inside a transaction on PGlite there is one connection.
  const instantDay = await sum('INSTANT', dayAgo);
  const standardDay = await sum('STANDARD', dayAgo);
  const instantWeek = await sum('INSTANT', weekAgo);
  const standardWeek = await sum('STANDARD', weekAgo);
  return {
    instantDayCents: usdCents(instantDay.totalMinor),
    dayCents: usdCents(instantDay.totalMinor + standardDay.totalMinor),
    weekCents: usdCents(instantWeek.totalMinor + standardWeek.totalMinor),
    dayCount: instantDay.count + standardDay.count,
  };
}

export interface AchLimit {
  currency: 'USD';
  limit: string;
  used: string;
  remaining: string;
}

export interface CalculatedAchLimits {
  instant: AchLimit;
  daily: AchLimit;
  weekly: AchLimit;
}

function limitView(limitCents: UsdCents, usedCents: UsdCents): AchLimit {
  const remaining = usdCents(limitCents > usedCents ? limitCents - usedCents : 0n);
  return { currency: 'USD', limit: formatUsd(limitCents), used: formatUsd(usedCents), remaining: formatUsd(remaining) };
}

export function limitsView(limits: ProductConfig['limits'], usage: AchUsage): CalculatedAchLimits {
  return {
    instant: limitView(limits.instantDailyCents, usage.instantDayCents),
    daily: limitView(limits.dailyCents, usage.dayCents),
    weekly: limitView(limits.weeklyCents, usage.weekCents),
  };
}

/** Throws EXCEEDS_LIMIT_TRANSACTIONS or EXCEEDS_LIMIT_ACH (naming the limit) if this purchase does not fit. */
export function assertFits(
  limits: ProductConfig['limits'],
  usage: AchUsage,
  type: AchType,
  amountCents: UsdCents,
): void {
  if (usage.dayCount >= limits.transactionsPerDay) {
    throw new AppError('EXCEEDS_LIMIT_TRANSACTIONS', {
      message: `The user has made ${usage.dayCount} ACH purchases in the last 24 hours, the most allowed (${limits.transactionsPerDay})`,
      data: { limit: 'transactions', allowed: limits.transactionsPerDay, used: usage.dayCount },
    });
  }
  const checks: Array<[name: 'instant' | 'daily' | 'weekly', limit: UsdCents, used: UsdCents]> = [
    ...(type === 'INSTANT'
      ? [['instant', limits.instantDailyCents, usage.instantDayCents] as ['instant', UsdCents, UsdCents]]
      : []),
    ['daily', limits.dailyCents, usage.dayCents],
    ['weekly', limits.weeklyCents, usage.weekCents],
  ];
  for (const [name, limit, used] of checks) {
    if (used + amountCents > limit) {
      const remaining = usdCents(limit > used ? limit - used : 0n);
      throw new AppError('EXCEEDS_LIMIT_ACH', {
        message: `\`fiatAmount\` ${formatUsd(amountCents)} USD exceeds the user's remaining ${name} ACH limit of ${formatUsd(remaining)} USD (limit ${formatUsd(limit)}, used ${formatUsd(used)})`,
        data: {
          field: 'fiatAmount',
          limit: name,
          currency: 'USD',
          limitAmount: formatUsd(limit),
          used: formatUsd(used),
          remaining: formatUsd(remaining),
        },
      });
    }
  }
}
