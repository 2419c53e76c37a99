// Job queues of on-chain delivery.
/** Wakes the sender of one network: `{ network }`. */
export const SEND_QUEUE = 'delivery-send';
/** Follows one submitted transaction to its confirmations: `{ id }`. */
export const CONFIRM_QUEUE = 'delivery-confirm';
