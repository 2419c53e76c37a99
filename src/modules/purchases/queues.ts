/** Moves a purchase to its next step (risk check, ACH origination, delivery); idempotent. */
export const PROCESS_QUEUE = 'purchase-process';
