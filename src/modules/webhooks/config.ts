// Webhook registration and delivery settings (ONRAMP_WEBHOOK*), read with the shared EnvReader so bad values are
// reported with every other configuration problem at start.
import type { EnvReader, Mode } from '../../config.ts';

/** Webhook registrations and delivery (src/modules/webhooks). */
export interface WebhooksConfig {
  /** Registrations per client (the Ratio docs say 10). */
  maxPerClient: number;
  /** A receiver must answer (status line, headers and body) within this. */
  timeoutMs: number;
  /** Attempts in flight at once to one registration, across processes (one process holds its claims at a time). */
  perWebhookConcurrency: number;
  /** Delivery attempts in flight at once, per process. */
  globalConcurrency: number;
  /** How often retries that have become due (by ctx.clock) are queued, and stale claims recovered. */
  sweepIntervalMs: number;
  /** How long the previous signing secret keeps signing after a rotation. */
  secretOverlapSeconds: number;
  /**
   * Whether targets that resolve to loopback addresses may be called. Sandbox mode allows them so
   * local receivers work; private, link-local, multicast and metadata addresses are refused always.
   */
  allowLoopback: boolean;
}

export function readWebhooksConfig(r: EnvReader, mode: Mode): WebhooksConfig {
  const config: WebhooksConfig = {
    maxPerClient: r.int(
      'ONRAMP_WEBHOOKS_MAX_PER_CLIENT',
      10,
      1,
      100,
      'webhook registrations per partner client (the Ratio docs say 10)',
    ),
    timeoutMs: r.int(
      'ONRAMP_WEBHOOK_TIMEOUT_MS',
      15_000,
      100,
      60_000,
      'a receiver must answer (status, headers and body) within this',
    ),
    perWebhookConcurrency: r.int(
      'ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK',
      4,
      1,
      100,
      'attempts in flight at once to one registration, across processes (at most ONRAMP_WEBHOOK_CONCURRENCY)',
    ),
    globalConcurrency: r.int(
      'ONRAMP_WEBHOOK_CONCURRENCY',
      32,
      1,
      1000,
      'delivery attempts in flight at once, per process',
    ),
    sweepIntervalMs: r.int(
      'ONRAMP_WEBHOOK_SWEEP_INTERVAL_MS',
      1_000,
      50,
      60_000,
      'how often retries that have become due are queued and stale claims recovered',
    ),
    secretOverlapSeconds: r.int(
      'ONRAMP_WEBHOOK_SECRET_OVERLAP_SECONDS',
      24 * 3600,
      0,
      7 * 24 * 3600,
      'how long the previous signing secret keeps signing after a rotation',
    ),
    allowLoopback: mode === 'sandbox',
  };
  if (config.perWebhookConcurrency > config.globalConcurrency) {
    r.problems.push('ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK: must not exceed ONRAMP_WEBHOOK_CONCURRENCY');
  }
  return config;
}
