// Durable, at-least-once webhook delivery.
//
//  event (outbox, committed) ──fan-out──▶ one webhook_deliveries row per matching registration
//  + one pg-boss job each, in one transaction (idempotent per (event id, registration))
//  ──consumer──▶ claim (QUEUED → SENDING, a lease) → sign → POST (15 s, no redirects, SSRF guard)
//  → record the attempt and the outcome in one transaction: SUCCEEDED, FAILED, QUEUED (retry now,
//  with its job) or SCHEDULED (retry at next_attempt_at).
//
// Retries are scheduled by ctx.clock: the sweeper queues (pg-boss jobs) every SCHEDULED delivery whose
// next_attempt_at has come by ctx.clock, and recovers claims whose lease ran out (a process died
// mid-attempt). pg-boss's own startAfter follows the database's clock, so a moved sandbox or test
// clock would not move it; the sweeper does.
//
// Isolation: the consumer keeps at most `globalConcurrency` attempts in flight per process, and
// pg-boss's groupConcurrency (tracked in the database, across processes) lets at most
// `perWebhookConcurrency` jobs of one registration be active at once, so a slow or dead receiver
// holds a few slots and never the rest. Nothing here runs inside an API request.
import type { Job } from 'pg-boss';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/crypto.ts';
import type { PublishedEvent } from '../events/publish.ts';
import { signingSecrets } from './registrations.ts';
import {
  abandonClaim,
  anythingToSweep,
  claimDelivery,
  disableWebhook,
  failPendingDeliveries,
  findWebhook,
  finishAttempt,
  insertDeliveries,
  matchingWebhooks,
  queueDue,
  recoverExpiredClaims,
  type AttemptOutcome,
  type DeliveryRow,
  type QueuedRef,
} from './repository.ts';
import { WebhookSender, type SendResult } from './sender.ts';
import { signatureHeaders } from './signing.ts';

export const DELIVER_QUEUE = 'webhook-deliver';

/**
 * Delay before each retry, after a failed attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h, 24 h; a delivery whose last retry fails is FAILED (11 attempts in a series).
 */
export const RETRY_DELAYS_SECONDS = [0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

const SWEEP_BATCH = 500;
const FETCH_BATCH = 50;

interface DeliverJobData {
  deliveryId: string;
}

/** What delivery needs from the app (app.ts builds it before the context that holds it). */
export type WebhookDeliveryDeps = Pick<AppContext, 'config' | 'db' | 'clock' | 'jobs' | 'log' | 'metrics' | 'secrets'>;

export class WebhookDelivery {
  readonly sender: WebhookSender;
  private inflight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly config: AppContext['config']['webhooks'];

  constructor(
    private readonly ctx: WebhookDeliveryDeps,
    /** Wall time for signature timestamps: receivers check them against their own clocks. */
    private readonly wallClock: Clock = systemClock,
  ) {
    this.config = ctx.config.webhooks;
    this.sender = new WebhookSender({
      policy: { httpsOnly: ctx.config.mode === 'production', allowLoopback: this.config.allowLoopback },
      timeoutMs: this.config.timeoutMs,
      maxSocketsPerHost: this.config.perWebhookConcurrency,
    });
  }

  /** Queue, consumer and sweeper (the module's jobs hook, which also subscribes fanOut to the outbox). */
  register(): void {
    const { jobs } = this.ctx;
    jobs.define<DeliverJobData>({
      name: DELIVER_QUEUE,
      manual: true,
      // Only for failures of the handler itself (database errors): HTTP failures follow the schedule.
      retryLimit: 5,
      retryDelaySeconds: 5,
      expireInSeconds: Math.ceil(this.config.timeoutMs / 1000) + 60,
      handler: (job) => this.attempt(job.data.deliveryId),
    });
    jobs.service({ name: 'webhook-consumer', start: () => this.start(), stop: () => this.stop() });
    jobs.every({
      name: 'webhook-sweeper',
      intervalMs: this.config.sweepIntervalMs,
      run: async () => void (await this.sweep()),
    });
  }

  // ── fan-out ──────────────────────────────────────────────────────────────────────────────────

  /** One delivery per matching registration; a second call for the same event adds nothing. */
  async fanOut(event: PublishedEvent): Promise<void> {
    if (!event.userId) return;
    const hooks = await matchingWebhooks(this.ctx.db, event.userId, event.type);
    if (hooks.length === 0) return;
    // The exact bytes signed and sent on every attempt.
    const body = JSON.stringify({ userId: event.userId, event: event.type, id: event.id, data: event.data });
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (trx) => {
      const inserted = await insertDeliveries(
        trx,
        hooks.map((h) => ({
          id: newId(),
          webhook_id: h.id,
          kind: 'EVENT' as const,
          event_id: event.id,
          event_type: event.type,
          user_id: event.userId,
          body,
          status: 'QUEUED' as const,
          created_at: now,
          updated_at: now,
        })),
      );
      await this.enqueue(trx, inserted);
    });
    this.wake();
  }

  /** Sends the jobs for QUEUED deliveries, inside the transaction that queued them. */
  async enqueue(trx: Executor, refs: QueuedRef[]): Promise<void> {
    await this.ctx.jobs.sendMany<DeliverJobData>(
      DELIVER_QUEUE,
      refs.map((r) => ({ data: { deliveryId: r.id }, group: r.webhook_id })),
      { trx },
    );
  }

  // ── one attempt ──────────────────────────────────────────────────────────────────────────────

  async attempt(deliveryId: string): Promise<void> {
    const { db, clock, log } = this.ctx;
    const claimedAt = clock.now();
    const delivery = await claimDelivery(
      db,
      deliveryId,
      claimedAt,
      new Date(claimedAt.getTime() + this.config.timeoutMs + 60_000),
    );
    if (!delivery) return; // already sent, or claimed elsewhere: jobs may run more than once
    const webhook = await findWebhook(db, delivery.webhook_id);
    if (webhook?.status !== 'ACTIVE') {
      await abandonClaim(db, delivery.id, 'The webhook was disabled or deleted before this attempt', clock.now());
      return;
    }
    const secrets = signingSecrets(webhook, this.ctx.secrets.keyring, claimedAt);
    const payloadId = delivery.event_id;
    const headers = signatureHeaders(
      secrets,
      payloadId,
      Math.floor(this.wallClock.now().getTime() / 1000),
      delivery.body,
    );
    const result = await this.sender.post(webhook.url, delivery.body, headers);
    const finishedAt = clock.now();
    const outcome = this.outcome(delivery, result, finishedAt);
    await db.transaction().execute(async (trx) => {
      const current = await finishAttempt(
        trx,
        delivery,
        {
          id: newId(),
          delivery_id: delivery.id,
          attempt_number: delivery.attempt_count,
          started_at: claimedAt,
          latency_ms: result.latencyMs,
          status_code: result.statusCode,
          response_snippet: result.snippet,
          error: result.error,
          succeeded: result.ok,
        },
        outcome,
        finishedAt,
      );
      if (!current) return; // the lease ran out and another attempt took over: it decides what follows
      if (result.statusCode === 410) {
        const reason = `The receiver answered 410 Gone at ${finishedAt.toISOString()}`;
        if (await disableWebhook(trx, webhook.id, reason, finishedAt)) {
          await failPendingDeliveries(trx, webhook.id, 'The webhook was disabled after a 410 Gone', finishedAt);
        }
      }
      if (outcome.status === 'QUEUED') await this.enqueue(trx, [delivery]);
    });
    if (outcome.status === 'QUEUED') this.wake();
    this.ctx.metrics.webhookAttempts.inc({ webhook_id: webhook.id, outcome: result.ok ? 'success' : 'failure' });
    this.ctx.metrics.webhookLatency.observe({ webhook_id: webhook.id }, result.latencyMs / 1000);
    // A receiver that fails is the operator's (and the partner's) business; one that answers is routine.
    const level = result.ok ? 'debug' : 'warn';
    log[level](
      {
        webhookId: webhook.id,
        deliveryId: delivery.id,
        attempt: delivery.attempt_count,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error,
        next: outcome.status,
      },
      'webhook attempt',
    );
  }

  private outcome(delivery: DeliveryRow, result: SendResult, now: Date): AttemptOutcome {
    const base = {
      statusCode: result.statusCode,
      error: result.error ?? (result.ok ? null : `HTTP ${result.statusCode}`),
    };
    if (result.ok) return { ...base, status: 'SUCCEEDED', nextAttemptAt: null };
    if (result.statusCode === 410)
      return { ...base, status: 'FAILED', nextAttemptAt: null, error: 'HTTP 410 Gone: the webhook has been disabled' };
    // A test event is sent once; an event delivery follows the schedule.
    const delay = delivery.kind === 'TEST' ? undefined : RETRY_DELAYS_SECONDS[delivery.series_attempts - 1];
    if (delay === undefined) return { ...base, status: 'FAILED', nextAttemptAt: null };
    if (delay === 0) return { ...base, status: 'QUEUED', nextAttemptAt: now };
    return { ...base, status: 'SCHEDULED', nextAttemptAt: new Date(now.getTime() + delay * 1000) };
  }

  // ── sweeper ──────────────────────────────────────────────────────────────────────────────────

  /** Queues retries that are due by ctx.clock and recovers expired claims. Returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    // Most ticks find nothing: one indexed read instead of a transaction.
    if (!(await anythingToSweep(this.ctx.db, this.ctx.clock.now()))) return 0;
    for (;;) {
      const now = this.ctx.clock.now();
      const refs = await this.ctx.db.transaction().execute(async (trx) => {
        const due = await queueDue(trx, now, SWEEP_BATCH);
        const recovered = await recoverExpiredClaims(trx, now, SWEEP_BATCH);
        await this.enqueue(trx, [...due, ...recovered]);
        return due.length + recovered.length;
      });
      total += refs;
      if (refs > 0) this.wake();
      if (refs < SWEEP_BATCH) return total;
    }
  }

  // ── consumer ─────────────────────────────────────────────────────────────────────────────────

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.consume();
  }

  private async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    // Attempts in flight finish (each is bounded by the timeout) and record their outcome.
    await Promise.all(this.inflight);
    this.sender.close();
  }

  /** Makes the consumer fetch now (work was queued in this process, or a slot came free). */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private async consume(): Promise<void> {
    const boss = this.ctx.jobs.boss;
    while (this.running) {
      const free = this.config.globalConcurrency - this.inflight.size;
      let full = false;
      if (free > 0) {
        const want = Math.min(free, FETCH_BATCH);
        try {
          const jobs = await boss.fetch<DeliverJobData>(DELIVER_QUEUE, {
            batchSize: want,
            groupConcurrency: this.config.perWebhookConcurrency,
          });
          for (const job of jobs) this.run(job);
          full = jobs.length === want;
        } catch (error) {
          this.ctx.log.error({ err: error }, 'webhook consumer: fetch failed');
        }
      }
      if (!this.running) break;
      if (full && this.inflight.size < this.config.globalConcurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.ctx.jobs.pollingIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private run(job: Job<DeliverJobData>): void {
    const boss = this.ctx.jobs.boss;
    const p: Promise<void> = this.attempt(job.data.deliveryId)
      .then(
        () => this.complete(job.id),
        (error: unknown) => {
          this.ctx.log.error(
            { err: error, jobId: job.id, deliveryId: job.data.deliveryId },
            'webhook attempt failed to run',
          );
          return boss
            .fail(DELIVER_QUEUE, job.id, { message: String((error as Error)?.message ?? error) })
            .then(() => undefined);
        },
      )
      .catch((error: unknown) =>
        this.ctx.log.error({ err: error, jobId: job.id }, 'webhook consumer: cannot complete job'),
      )
      .finally(() => {
        this.inflight.delete(p);
        // Work may be waiting for this slot (or for this registration's group slot).
        this.wake();
      });
    this.inflight.add(p);
  }

  // Finished jobs are completed in batches: one statement for many jobs. A job whose completion is
  // lost (crash) runs again after it expires, and its claim finds the delivery already done.
  private completed: string[] = [];
  private flushing: Promise<void> | undefined;

  private complete(jobId: string): Promise<void> {
    this.completed.push(jobId);
    this.flushing ??= new Promise<void>((resolve) => setTimeout(resolve, 20)).then(async () => {
      const ids = this.completed.splice(0);
      this.flushing = undefined;
      if (ids.length > 0) await this.ctx.jobs.boss.complete(DELIVER_QUEUE, ids);
    });
    return this.flushing;
  }
}
