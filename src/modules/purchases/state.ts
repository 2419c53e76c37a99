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
// INSTANT requests payout as soon as the debit is originated; STANDARD waits for SETTLED. The rules
// that span the machines (purchaseRuleBroken below) are checked before every move and are CHECK
// constraints too, so a write that slips past the code is refused by the database:
//
//   purchases_paid_means_crypto_or_refund (0047)   a paid purchase (ach SETTLED) never ends with its
//                                                  payout FAILED or CANCELLED and no refund
//   purchases_payout_after_approved_debit (0048)   a payout requested ⇒ risk APPROVED and the debit
//                                                  originated (it may have come back since)
//   purchases_standard_payout_after_settlement (0048)  a STANDARD payout requested ⇒ the debit
//                                                  settled (SETTLED, or RETURNED_LATE: a late return)
import type { ActivityStatus } from '../activity/tables.ts';
import type { AchState, AchType, PayoutState, RefundState, RiskState } from './tables.ts';

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

/** The payout has been requested (whatever became of it since): only WAITING and CANCELLED never were. */
export function payoutRequested(payout: PayoutState): boolean {
  return payout !== 'WAITING' && payout !== 'CANCELLED';
}

/** The debit was originated at Plaid (whatever became of it since): PENDING and CANCELLED never were. */
export function debitOriginated(ach: AchState): boolean {
  return ach !== 'PENDING' && ach !== 'CANCELLED';
}

/** The purchase's states as the rules that span its machines read them. */
export interface PurchaseStates {
  ach_type: AchType;
  risk_state: RiskState;
  ach_state: AchState;
  payout_state: PayoutState;
  refund_state: RefundState;
}

/**
 * The first rule spanning the purchase's machines that `s` breaks, or null. Each is stated as a
 * property of the states alone, true from the moment it matters on: RETURNED and RETURNED_LATE count
 * as originated and settled, so a debit that comes back after the payout was requested stays legal.
 * The same rules are the CHECK constraints named in the header.
 */
export function purchaseRuleBroken(s: PurchaseStates): string | null {
  if (payoutRequested(s.payout_state) && !(s.risk_state === 'APPROVED' && debitOriginated(s.ach_state)))
    return 'a payout is requested only once risk approved the purchase and its debit was originated';
  if (
    s.ach_type === 'STANDARD' &&
    payoutRequested(s.payout_state) &&
    s.ach_state !== 'SETTLED' &&
    s.ach_state !== 'RETURNED_LATE'
  )
    return "a STANDARD purchase's payout is requested only once its debit settled";
  if (
    s.ach_state === 'SETTLED' &&
    (s.payout_state === 'FAILED' || s.payout_state === 'CANCELLED') &&
    (s.refund_state === 'NONE' || s.refund_state === 'NOT_NEEDED')
  )
    return 'a paid purchase ends with its crypto or a refund';
  return null;
}

function assertNever(value: never): never {
  throw new Error(`unexpected state ${String(value)}`);
}
