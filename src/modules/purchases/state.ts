// The purchase's four state machines and how they show in the API. Every move is a conditional
// update (`… WHERE state IN (from)`), so of two racing writers exactly one wins and the loser sees
// zero rows and stops.
//
//   risk      PENDING → APPROVED | REJECTED
//   ach       PENDING → ORIGINATED → SETTLED | RETURNED | FAILED;  SETTLED → RETURNED_LATE (a late
//             return, e.g. R10);  PENDING → CANCELLED (not debited: declined, user action, refused)
//   payout    WAITING → REQUESTED → SUBMITTED → CONFIRMED | FAILED  (REQUESTED → CONFIRMED | FAILED too)
//             WAITING → CANCELLED (nothing debited, the debit came back, or a STANDARD re-quote refused)
//   refund    NONE → REQUIRED (paid, or about to be, and the crypto will not come) → PENDING (at Plaid)
//             → SETTLED | FAILED;  FAILED → REQUIRED (the operator tries again);
//             REQUIRED | FAILED → NOT_NEEDED (the debit came back anyway)
//
// INSTANT requests payout as soon as the debit is originated; STANDARD waits for SETTLED. The
// database holds the invariant that a paid purchase (ach SETTLED) never ends with its payout FAILED
// or CANCELLED and no refund (constraint purchases_paid_means_crypto_or_refund).
import type { ActivityStatus } from '../activity/tables.ts';
import type { AchState, PayoutState, RefundState, RiskState } from './tables.ts';

export const RISK_TRANSITIONS: Record<RiskState, RiskState[]> = {
  PENDING: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
};

export const ACH_TRANSITIONS: Record<AchState, AchState[]> = {
  PENDING: ['ORIGINATED', 'CANCELLED'],
  ORIGINATED: ['SETTLED', 'RETURNED', 'FAILED'],
  SETTLED: ['RETURNED_LATE'],
  RETURNED: [],
  FAILED: [],
  RETURNED_LATE: [],
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

export const REFUND_TRANSITIONS: Record<RefundState, RefundState[]> = {
  NONE: ['REQUIRED'],
  REQUIRED: ['PENDING', 'FAILED', 'NOT_NEEDED'],
  PENDING: ['SETTLED', 'FAILED'],
  SETTLED: [],
  FAILED: ['REQUIRED', 'NOT_NEEDED'],
  NOT_NEEDED: [],
};

/** The states `to` may be reached from. */
export function sourcesOf<S extends string>(table: Record<S, S[]>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** The fiat leg's API status. A refund does not change it: the debit did complete (metadata.refund says the rest). */
export function fiatStatus(ach: AchState): ActivityStatus {
  switch (ach) {
    case 'PENDING':
    case 'ORIGINATED':
      return 'PENDING';
    case 'SETTLED':
      return 'COMPLETED';
    case 'RETURNED':
    case 'FAILED':
    case 'RETURNED_LATE':
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

/** The crypto is on its way or delivered (a return after this is a loss, not a cancelled order). */
export function cryptoSent(payout: PayoutState): boolean {
  return payout === 'REQUESTED' || payout === 'SUBMITTED' || payout === 'CONFIRMED';
}

function assertNever(value: never): never {
  throw new Error(`unexpected state ${String(value)}`);
}
