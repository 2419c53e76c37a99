/** Moves a purchase to its next step (risk check, ACH origination, payout); idempotent. */
export const PROCESS_QUEUE = 'purchase-process';
