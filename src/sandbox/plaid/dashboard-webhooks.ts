// Webhooks Plaid sends to the receiver configured in its dashboard rather than to an Item's webhook
// (IDENTITY_VERIFICATION; Transfer's events are configured the same way). The built-in sandbox queues
// each one in the transaction that causes it (so it exists iff the change committed), wakes the queue
// after the commit, and delivers it signed exactly like item webhooks (signWebhook: ES256 JWT in
// Plaid-Verification, request_body_sha256 of the body) to ONRAMP_SANDBOX_PLAID_WEBHOOK_URL, by
// default this server's own Plaid webhook URL.
import type { Logger } from 'pino';
import type { Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { signWebhook, type SigningDeps } from './sandbox.ts';

export const DASHBOARD_WEBHOOK_QUEUE = 'sandbox-plaid-dashboard-webhook';
const TIMEOUT_MS = 5_000;

interface DashboardWebhookJob {
  payload: Record<string, unknown>;
  /** A receiver named in the request (Transfer's simulations and fire_webhook); absent: the dashboard's. */
  url?: string;
}

export interface DashboardWebhookDeps extends SigningDeps {
  jobs: Jobs;
  log: Logger;
  /** Where the "dashboard" points; undefined until this server listens (the job then retries). */
  url: () => string | undefined;
}

export class DashboardWebhooks {
  constructor(private readonly deps: DashboardWebhookDeps) {
    deps.jobs.define<DashboardWebhookJob>({
      name: DASHBOARD_WEBHOOK_QUEUE,
      retryLimit: 5,
      retryDelaySeconds: 2,
      retryBackoff: true,
      handler: (job) => this.deliver(job.data.payload, job.data.url),
    });
  }

  /** Queues a webhook in `trx` (to `url`, else the dashboard's receiver); call wake() once `trx` has committed. */
  async send(trx: Executor, payload: Record<string, unknown>, url?: string): Promise<void> {
    await this.deps.jobs.send<DashboardWebhookJob>(
      DASHBOARD_WEBHOOK_QUEUE,
      { payload, ...(url ? { url } : {}) },
      { trx },
    );
  }

  /** Delivers what was queued now rather than at the next poll. */
  wake(): void {
    this.deps.jobs.wake(DASHBOARD_WEBHOOK_QUEUE);
  }

  private async deliver(payload: Record<string, unknown>, given: string | undefined): Promise<void> {
    const url = given ?? this.deps.url();
    if (url === undefined) throw new Error('no webhook receiver yet: this server is not listening');
    const { body, jwt } = await signWebhook(this.deps, payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      // What the receiver said (a signature refused, say), bounded: it is the first thing to look at.
      const answer = (await response.text().catch(() => '')).slice(0, 300);
      this.deps.log.warn(
        { webhookType: payload.webhook_type, webhookCode: payload.webhook_code, status: response.status, answer },
        'sandbox Plaid webhook was refused; the queue retries',
      );
      throw new Error(`webhook receiver answered ${response.status}`);
    }
  }
}
