// The purchase's three state machines and how they show in the API. Every move is a conditional
// update (`… WHERE state IN (from)`), so of two racing writers exactly one wins and the loser sees
// zero rows and stops.
//
//   risk      PENDING → APPROVED | REJECTED
//   ach       PENDING → ORIGINATED → SETTLED | RETURNED;  PENDING → CANCELLED (risk rejected)
//   payout  WAITING → REQUESTED → SUBMITTED → CONFIRMED | FAILED  (REQUESTED → CONFIRMED | FAILED too)
//             WAITING → CANCELLED (risk rejected, or a STANDARD debit returned)
//
// INSTANT requests payout as soon as the risk check approves; STANDARD waits for SETTLED.
import type { ActivityStatus } from '../activity/tables.ts';
import type { AchState, PayoutState, RiskState } from './tables.ts';

export const RISK_TRANSITIONS: Record<RiskState, RiskState[]> = {
  PENDING: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
};

export const ACH_TRANSITIONS: Record<AchState, AchState[]> = {
  PENDING: ['ORIGINATED', 'CANCELLED'],
  ORIGINATED: ['SETTLED', 'RETURNED'],
  SETTLED: [],
  RETURNED: [],
  CANCELLED: [],
};

export const PAYOUT_TRANSITIONS: Record<PayoutState, PayoutState[]> = {
  WAITING: ['REQUESTED', 'CANCELLED'],
  REQUESTED: ['SUBMITTED', 'CONFIRMED', 'FAILED'],
  SUBMITTED: ['CONFIRMED', 'FAILED'],
  CONFIRMED: [],
  FAILED: [],
  CANCELLED: [],
};

/** The states `to` may be reached from. */
export function sourcesOf<S extends string>(table: Record<S, S[]>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** The fiat leg's API status. */
export function fiatStatus(ach: AchState): ActivityStatus {
  switch (ach) {
    case 'PENDING':
    case 'ORIGINATED':
      return 'PENDING';
    case 'SETTLED':
      return 'COMPLETED';
    case 'RETURNED':
    case 'CANCELLED':
      return 'FAILED';
    default:
      return assertNever(ach);
  }
}

/** The crypto leg's API status. */
export function cryptoStatus(payout: PayoutState): ActivityStatus {
  switch (payout) {
    case 'WAITING':
    case 'REQUESTED':
    case 'SUBMITTED':
      return 'PENDING';
    case 'CONFIRMED':
      return 'COMPLETED';
    case 'FAILED':
    case 'CANCELLED':
      return 'FAILED';
    default:
      return assertNever(payout);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected state ${String(value)}`);
}
