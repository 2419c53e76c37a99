// Job queues of on-chain payouts. The queue names keep the module's older name ("delivery-"): pg-boss
// stores jobs under them, and a rename would strand the jobs of a running installation.
/** Wakes the sender of one network: `{ network }`. */
export const SEND_QUEUE = 'delivery-send';
/** Follows one submitted transaction to its confirmations: `{ id }`. */
export const CONFIRM_QUEUE = 'delivery-confirm';
