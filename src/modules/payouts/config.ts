// Payout settings (their environment variables keep the older name, ONRAMP_DELIVERY_*), read with the shared EnvReader so bad values are reported
// with every other configuration problem at start.
import type { EnvReader } from '../../config.ts';

export interface PayoutsConfig {
  /** Funding checks (or other failures before signing) per payout before it becomes FAILED_RETRYABLE. */
  maxAttempts: number;
  /** First delay between those attempts; doubles each time, capped at an hour. */
  retryDelaySeconds: number;
  /** Per eth_sendRawTransaction (on top of the chain layer's own per-request timeout). */
  broadcastTimeoutMs: number;
  /** How often a submitted transaction's receipt is checked. */
  confirmPollSeconds: number;
  /** After this long without the confirmations, the payout stays SUBMITTED and is reported, not polled. */
  confirmTimeoutSeconds: number;
  /** The sender's lease: another process takes over a crashed sender after this long. */
  senderLeaseSeconds: number;
  /** Payouts signed in one database transaction. */
  signBatchSize: number;
}

export function readPayoutsConfig(r: EnvReader): PayoutsConfig {
  return {
    maxAttempts: r.int(
      'ONRAMP_DELIVERY_MAX_ATTEMPTS',
      6,
      1,
      100,
      'funding checks (or other failures before signing) per payout before it becomes FAILED_RETRYABLE',
    ),
    retryDelaySeconds: r.int(
      'ONRAMP_DELIVERY_RETRY_DELAY_SECONDS',
      30,
      1,
      3600,
      'first delay between those attempts; doubles each time, capped at an hour',
    ),
    broadcastTimeoutMs: r.int(
      'ONRAMP_DELIVERY_BROADCAST_TIMEOUT_MS',
      30_000,
      100,
      300_000,
      'per `eth_sendRawTransaction`, on top of the per-request ONRAMP_CHAIN_RPC_TIMEOUT_MS',
    ),
    confirmPollSeconds: r.int(
      'ONRAMP_DELIVERY_CONFIRM_POLL_SECONDS',
      5,
      1,
      600,
      "how often a submitted transaction's receipt is checked",
    ),
    confirmTimeoutSeconds: r.int(
      'ONRAMP_DELIVERY_CONFIRM_TIMEOUT_SECONDS',
      6 * 3600,
      60,
      7 * 86400,
      'after this long without its confirmations a payout stays SUBMITTED and is reported, no longer polled',
    ),
    senderLeaseSeconds: r.int(
      'ONRAMP_DELIVERY_SENDER_LEASE_SECONDS',
      30,
      5,
      600,
      "the sender's lease per hot wallet: another process takes over a crashed sender after this long",
    ),
    signBatchSize: r.int('ONRAMP_DELIVERY_SIGN_BATCH_SIZE', 20, 1, 200, 'payouts signed in one database transaction'),
  };
}
