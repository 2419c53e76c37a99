// TRANSFER_EVENTS_UPDATE webhooks of the built-in sandbox. Plaid sends them to the Transfer webhook
// set in its dashboard (here: the dashboard URL of the sandbox, this server's /webhooks/plaid by
// default) whenever new events exist, and /sandbox/transfer/fire_webhook or a simulation's `webhook`
// field sends one to a given URL. Queued in the transaction that wrote the events (so one exists iff
// they committed) and signed exactly like item webhooks (ES256 JWT in Plaid-Verification).
import type { Logger } from 'pino';
import type { Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { signWebhook, type SigningDeps } from './sandbox.ts';

export const TRANSFER_WEBHOOK_QUEUE = 'sandbox-plaid-transfer-webhook';
const TIMEOUT_MS = 5_000;

interface TransferWebhookJob {
  /** A given receiver; absent: the dashboard's. */
  url?: string;
}

export const TRANSFER_EVENTS_UPDATE = {
  webhook_type: 'TRANSFER',
  webhook_code: 'TRANSFER_EVENTS_UPDATE',
  environment: 'sandbox',
} as const;

export interface TransferWebhookDeps extends SigningDeps {
  jobs: Jobs;
  log: Logger;
  /** The dashboard's Transfer webhook; undefined until this server listens (the job then retries). */
  dashboardUrl: () => string | undefined;
}

export class TransferWebhooks {
  constructor(private readonly deps: TransferWebhookDeps) {
    deps.jobs.define<TransferWebhookJob>({
      name: TRANSFER_WEBHOOK_QUEUE,
      retryLimit: 5,
      retryDelaySeconds: 2,
      retryBackoff: true,
      handler: (job) => this.deliver(job.data.url),
    });
  }

  /** Queues one TRANSFER_EVENTS_UPDATE in `trx` (to `url`, or the dashboard's receiver). */
  async send(trx: Executor, url?: string): Promise<void> {
    await this.deps.jobs.send<TransferWebhookJob>(TRANSFER_WEBHOOK_QUEUE, url ? { url } : {}, { trx });
  }

  private async deliver(given: string | undefined): Promise<void> {
    const url = given ?? this.deps.dashboardUrl();
    if (url === undefined) throw new Error('no Transfer webhook receiver yet: this server is not listening');
    const { body, jwt } = await signWebhook(this.deps, { ...TRANSFER_EVENTS_UPDATE });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      this.deps.log.warn({ status: response.status }, 'sandbox Plaid TRANSFER webhook was refused; the queue retries');
      throw new Error(`webhook receiver answered ${response.status}`);
    }
  }
}
