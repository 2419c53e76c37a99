// When a sandbox transfer moves, on the sandbox clock and the Federal Reserve calendar. Plaid's
// documented windows (docs/plaid-sandbox.md): a `same-day-ach` transfer made after the Same Day ACH
// cutoff (15:00 New York) goes as standard `ach`; a transfer is `posted` at the cutoff of its window
// (15:00 same-day, 20:30 standard) on its effective date — the day itself on a business day before
// the cutoff, else the next business day. The onramp sandbox rule decides settlement: the effective
// date plus ONRAMP_ACH_SETTLEMENT_BUSINESS_DAYS business days, at 09:00 New York time.
import {
  addBusinessDays,
  isBusinessDay,
  newYorkInstant,
  newYorkTime,
  nextBusinessDay,
} from '../../lib/business-days.ts';

export type AchNetwork = 'ach' | 'same-day-ach';

interface WallTime {
  hour: number;
  minute: number;
}

export const SAME_DAY_CUTOFF: WallTime = { hour: 15, minute: 0 };
export const STANDARD_CUTOFF: WallTime = { hour: 20, minute: 30 };
export const SETTLEMENT_HOUR = 9;

const minutesOf = (t: WallTime) => t.hour * 60 + t.minute;

export interface DebitSchedule {
  /** The network the transfer actually goes on (same-day after its cutoff becomes ach). */
  network: AchNetwork;
  postsAt: Date;
  settlesAt: Date;
  /** New York date of settlement, 'YYYY-MM-DD'. */
  settlementDate: string;
}

/** The effective date of an entry created at `at` for a window closing at `cutoff`. */
function effectiveDate(at: Date, cutoff: WallTime): string {
  const ny = newYorkTime(at);
  const before = ny.hour * 60 + ny.minute < minutesOf(cutoff);
  return isBusinessDay(ny.date) && before ? ny.date : nextBusinessDay(ny.date);
}

export function scheduleDebit(now: Date, requested: AchNetwork, settlementBusinessDays: number): DebitSchedule {
  const ny = newYorkTime(now);
  const afterSameDay = ny.hour * 60 + ny.minute >= minutesOf(SAME_DAY_CUTOFF);
  const network: AchNetwork =
    requested === 'same-day-ach' && isBusinessDay(ny.date) && afterSameDay ? 'ach' : requested;
  const cutoff = network === 'same-day-ach' ? SAME_DAY_CUTOFF : STANDARD_CUTOFF;
  const effective = effectiveDate(now, cutoff);
  const settlementDate = addBusinessDays(effective, settlementBusinessDays);
  return {
    network,
    postsAt: newYorkInstant(effective, cutoff.hour, cutoff.minute),
    settlesAt: newYorkInstant(settlementDate, SETTLEMENT_HOUR),
    settlementDate,
  };
}

/**
 * A refund (an ACH credit to the user) is submitted at the standard cutoff once its transfer has
 * settled — Plaid posts no refund of an unsettled transfer — and settles the next business day.
 */
export function scheduleRefund(now: Date, transferSettlesAt: Date): { postsAt: Date; settlesAt: Date } {
  const from = now > transferSettlesAt ? now : transferSettlesAt;
  const effective = effectiveDate(from, STANDARD_CUTOFF);
  return {
    postsAt: newYorkInstant(effective, STANDARD_CUTOFF.hour, STANDARD_CUTOFF.minute),
    settlesAt: newYorkInstant(nextBusinessDay(effective), SETTLEMENT_HOUR),
  };
}

/** Plaid's return windows of a debit settled on `settledOn`: 3 and 61 business days later. */
export function returnWindows(settledOn: string): { standard: string; unauthorized: string } {
  return { standard: addBusinessDays(settledOn, 3), unauthorized: addBusinessDays(settledOn, 61) };
}
