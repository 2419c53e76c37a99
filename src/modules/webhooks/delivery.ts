// Durable, at-least-once webhook delivery.
//
//  event (outbox, committed) ──fan-out──▶ one webhook_deliveries row per matching registration, QUEUED,
//  in one statement (idempotent per (event id, registration))
//  ──consumer──▶ one transaction per round: record the attempts that finished since the last round
//  (one statement for the outcomes, one for the attempts), lock registrations with QUEUED deliveries
//  (SKIP LOCKED) and claim a batch of them (QUEUED → SENDING, a lease) → sign → POST each (15 s, no
//  redirects, SSRF guard, keep-alive sockets) concurrently, outside any transaction → the next round
//  records each outcome: SUCCEEDED, FAILED, QUEUED (retry now) or SCHEDULED (retry at next_attempt_at).
//
// The table is the queue: there is no job per delivery. A worker claims when it queued work itself
// (fan-out, sweeper: wake()), when one of its attempts finished, at its polling interval, and when a
// replay or test event from another process rings the DELIVER_QUEUE doorbell (a pg-boss job, whose
// NOTIFY reaches workers at once).
//
// Retries are scheduled by ctx.clock: the sweeper queues every SCHEDULED delivery whose
// next_attempt_at has come by ctx.clock, and recovers claims whose lease ran out (a process died
// mid-attempt). pg-boss's own startAfter follows the database's clock, so a moved sandbox or test
// clock would not move it; the sweeper does.
//
// Isolation: the consumer keeps at most `globalConcurrency` attempts in flight per process, and at
// most `perWebhookConcurrency` deliveries of one registration are SENDING at once across processes (a
// claim counts them while it holds the registration's row lock), so a slow or dead receiver holds a
// few slots and never the rest. Nothing here runs inside an API request.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { NewRow } from '../../db/schema.ts';
import { newId } from '../../lib/crypto.ts';
import type { PublishedEvent } from '../events/publish.ts';
import { signingSecrets } from './registrations.ts';
import {
  abandonQueued,
  anythingToSweep,
  claimQueued,
  disableWebhook,
  failPendingDeliveries,
  finishAttempts,
  insertDeliveries,
  lockQueuedWebhooks,
  queueDue,
  recoverExpiredClaims,
  releaseClaims,
  type AttemptOutcome,
  type ClaimWebhook,
  type DeliveryRow,
  type FinishedAttempt,
  type QueuedRef,
  webhooksOfUsers,
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
/** Deliveries inserted per statement by fan-out. */
const FAN_OUT_ROWS = 500;
/** Registrations locked per claim (each with deliveries waiting). */
const LOCK_BATCH = 100;
/**
 * Claims ahead of sending: a consumer claims up to this many times a registration's limit of requests
 * in flight (and this many times its own), and sends them that many at a time, so each request does
 * not wait for a database round trip of its own.
 */
const PREFETCH = 8;
/** How long a finished attempt may wait for the round that records it. */
const RECORD_DELAY_MS = 20;
/**
 * After a failed round the consumer waits RECORD_DELAY_MS × 4^(failures in a row − 1), at most
 * MAX_BACKOFF_MS, before the next (20 ms, 80 ms, 0.3 s, 1.3 s, 5 s, 10 s …), so a database blip is
 * not met with a round every 20 ms. Attempts finishing do not cut the wait short; work that reached
 * the database (fan-out, the sweeper, the doorbell, a replay) does, since the database answers again.
 */
const MAX_BACKOFF_MS = 10_000;
/**
 * How long outcomes that failed to be recorded are kept for the next rounds before they are given
 * up: a blip of tens of seconds loses nothing. Given up at most MAX_BACKOFF_MS later, 55 s, under
 * the shortest lease (60 s + 9 timeouts), so an outcome given up is sent again when its lease runs
 * out, and never recorded over a newer claim.
 */
const OUTCOMES_KEPT_MS = 45_000;

/**
 * Decrypted signing secrets are kept this long, at most SECRET_CACHE_ENTRIES of them, so a busy
 * registration's secret is not decrypted for every attempt. Keyed by the ciphertext (and its key and
 * registration): a rotation changes the ciphertext the claim reads, so a new secret signs at once.
 */
const SECRET_CACHE_MS = 5 * 60_000;
const SECRET_CACHE_ENTRIES = 1000;

/** A DELIVER_QUEUE job: a doorbell (older versions sent one per delivery, with its id). */
interface DeliverJobData {
  deliveryId?: string;
}

/** What delivery needs from the app (app.ts builds it before the context that holds it). */
export type WebhookDeliveryDeps = Pick<AppContext, 'config' | 'db' | 'clock' | 'jobs' | 'log' | 'metrics' | 'secrets'>;

interface Finished extends FinishedAttempt {
  webhookId: string;
  result: SendResult;
  /** When a round first failed to record this outcome (wall time), if one has. */
  failedSince?: number;
}

export class WebhookDelivery {
  readonly sender: WebhookSender;
  /** Attempts being sent. */
  private inflight = new Set<Promise<void>>();
  /** Claimed deliveries waiting for a free slot, per registration. */
  private waiting = new Map<string, Array<{ delivery: DeliveryRow; webhook: ClaimWebhook }>>();
  /** Requests in flight per registration. */
  private sendingTo = new Map<string, number>();
  /** This consumer, on the deliveries it claims (webhook_deliveries.claimed_by). */
  private readonly claimant = randomUUID();
  /** Attempts sent whose outcome the next round records. */
  private finished: Finished[] = [];
  /** Deliveries this process has claimed and not yet recorded (sending, or sent and waiting). */
  private claimed = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private failedRounds = 0;
  /** Waiting after a failed round (attempts finishing do not wake the consumer then). */
  private backingOff = false;
  private readonly config: AppContext['config']['webhooks'];
  private readonly secretCache = new Map<string, { secret: string; until: number }>();

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

  /** Doorbell queue, consumer and sweeper (the module's jobs hook, which also subscribes fanOut to the outbox). */
  register(): void {
    const { jobs } = this.ctx;
    jobs.define<DeliverJobData>({
      name: DELIVER_QUEUE,
      retryLimit: 1,
      batchSize: 20,
      handler: async () => this.wake(),
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
    await this.fanOutMany([event]);
  }

  /** fanOut() for a batch of events: one query for the registrations, one insert per FAN_OUT_ROWS. */
  async fanOutMany(events: PublishedEvent[]): Promise<void> {
    const withUser = events.filter((e) => e.userId);
    if (withUser.length === 0) return;
    const hooks = await webhooksOfUsers(this.ctx.db, [...new Set(withUser.map((e) => e.userId!))]);
    if (hooks.length === 0) return;
    const now = this.ctx.clock.now();
    const rows: NewRow<'webhook_deliveries'>[] = [];
    for (const event of withUser) {
      const matching = hooks.filter((h) => h.user_id === event.userId && h.events.includes(event.type));
      if (matching.length === 0) continue;
      // The exact bytes signed and sent on every attempt.
      const body = JSON.stringify({ userId: event.userId, event: event.type, id: event.id, data: event.data });
      for (const h of matching)
        rows.push({
          id: newId(),
          webhook_id: h.id,
          kind: 'EVENT',
          event_id: event.id,
          event_type: event.type,
          user_id: event.userId,
          body,
          status: 'QUEUED',
          created_at: now,
          updated_at: now,
        });
    }
    // QUEUED rows are what the consumer claims: no job each. Each insert is atomic and idempotent.
    for (let i = 0; i < rows.length; i += FAN_OUT_ROWS)
      await insertDeliveries(this.ctx.db, rows.slice(i, i + FAN_OUT_ROWS));
    if (rows.length > 0) this.wake();
  }

  /**
   * Rings the doorbell for deliveries made QUEUED in `trx` outside a worker (replay, test event), so a
   * worker in another process claims them at once rather than at its next poll.
   */
  async enqueue(trx: Executor, refs: QueuedRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.ctx.jobs.send<DeliverJobData>(DELIVER_QUEUE, {}, { trx });
  }

  // ── one round: record, claim, send ─────────────────────────────────────────────────────────────

  /**
   * Records the attempts that finished and, if `claim`, claims what this process has room for, in one
   * transaction; then starts sending what it claimed. Returns whether another round should follow now.
   */
  private async round(claim: boolean): Promise<boolean> {
    this.woken = false;
    const finished = this.finished.splice(0);
    const free = claim ? this.config.globalConcurrency * PREFETCH - this.claimed : 0;
    if (finished.length === 0 && free <= 0) return false;
    const { clock } = this.ctx;
    const claimedAt = clock.now();
    // A claim may wait behind PREFETCH attempts to the same registration, each within the timeout.
    const leaseUntil = new Date(claimedAt.getTime() + this.config.timeoutMs * (PREFETCH + 1) + 60_000);
    let claimed: Array<{ delivery: DeliveryRow; webhook: ClaimWebhook }>;
    try {
      claimed = await this.ctx.db.transaction().execute(async (trx) => {
        await this.record(trx, finished);
        if (free <= 0) return [];
        const hooks = await lockQueuedWebhooks(trx, randomUUID(), Math.min(free, LOCK_BATCH));
        const active = hooks.filter((h) => h.status === 'ACTIVE');
        const inactive = hooks.filter((h) => h.status !== 'ACTIVE').map((h) => h.id);
        const reason = 'The webhook was disabled or deleted before this attempt';
        await abandonQueued(trx, inactive, reason, claimedAt);
        const rows = await claimQueued(
          trx,
          active.map((h) => h.id),
          {
            claimant: this.claimant,
            window: this.config.perWebhookConcurrency * PREFETCH,
            limit: free,
            now: claimedAt,
            leaseUntil,
          },
        );
        const byId = new Map(active.map((h) => [h.id, h]));
        return rows.map((delivery) => ({ delivery, webhook: byId.get(delivery.webhook_id)! }));
      });
    } catch (error) {
      // Nothing was recorded: the outcomes wait for the next round (their leases keep them claimed),
      // OUTCOMES_KEPT_MS at most; then they are dropped, and their leases run out and they are sent again.
      this.failedRounds++;
      const now = Date.now();
      for (const f of finished) f.failedSince ??= now;
      const kept = finished.filter((f) => now - f.failedSince! < OUTCOMES_KEPT_MS);
      const dropped = finished.filter((f) => now - f.failedSince! >= OUTCOMES_KEPT_MS);
      this.finished.unshift(...kept);
      if (dropped.length > 0) {
        this.claimed -= dropped.length;
        this.ctx.log.error({ deliveries: dropped.map((f) => f.delivery.id) }, 'webhook attempts not recorded');
      }
      throw error;
    }
    this.failedRounds = 0;
    this.claimed -= finished.length;
    for (const f of finished) this.report(f);
    this.claimed += claimed.length;
    for (const c of claimed) {
      const queue = this.waiting.get(c.webhook.id) ?? [];
      queue.push(c);
      this.waiting.set(c.webhook.id, queue);
    }
    this.pump();
    return this.woken || finished.some((f) => f.outcome.status === 'QUEUED');
  }

  /** The outcomes of `finished` attempts, a 410's disabling of its registration, in `trx`. */
  private async record(trx: Executor, finished: Finished[]): Promise<void> {
    if (finished.length === 0) return;
    const held = await finishAttempts(trx, finished);
    // Where a claim was lost (the lease ran out and another attempt took over), that one decides.
    for (const f of finished) {
      if (f.result.statusCode !== 410 || !held.has(f.delivery.id)) continue;
      const reason = `The receiver answered 410 Gone at ${f.finishedAt.toISOString()}`;
      if (await disableWebhook(trx, f.webhookId, reason, f.finishedAt)) {
        await failPendingDeliveries(trx, f.webhookId, 'The webhook was disabled after a 410 Gone', f.finishedAt);
      }
    }
  }

  /**
   * Starts sending claimed deliveries while this process has fewer than `globalConcurrency` requests in
   * flight, at most `perWebhookConcurrency` to one registration, taking registrations in turn.
   */
  private pump(): void {
    const { globalConcurrency, perWebhookConcurrency } = this.config;
    let started = true;
    while (started && this.running && this.inflight.size < globalConcurrency) {
      started = false;
      for (const [webhookId, queue] of this.waiting) {
        if (this.inflight.size >= globalConcurrency) break;
        if ((this.sendingTo.get(webhookId) ?? 0) >= perWebhookConcurrency) continue;
        const next = queue.shift()!;
        if (queue.length === 0) this.waiting.delete(webhookId);
        this.send(next.delivery, next.webhook);
        started = true;
      }
    }
  }

  /** Signs and POSTs one claimed delivery; its outcome waits in `finished` for the next round. */
  private send(delivery: DeliveryRow, webhook: ClaimWebhook): void {
    this.sendingTo.set(webhook.id, (this.sendingTo.get(webhook.id) ?? 0) + 1);
    const p: Promise<void> = (async () => {
      const startedAt = this.ctx.clock.now();
      const secrets = signingSecrets(webhook, this.cachedKeyring, startedAt);
      const timestamp = Math.floor(this.wallClock.now().getTime() / 1000);
      const headers = signatureHeaders(secrets, delivery.event_id, timestamp, delivery.body);
      const result = await this.sender.post(webhook.url, delivery.body, headers);
      const finishedAt = this.ctx.clock.now();
      this.finished.push({
        webhookId: webhook.id,
        delivery,
        result,
        finishedAt,
        outcome: this.outcome(delivery, result, finishedAt),
        attempt: {
          id: newId(),
          delivery_id: delivery.id,
          attempt_number: delivery.attempt_count,
          started_at: startedAt,
          latency_ms: result.latencyMs,
          status_code: result.statusCode,
          response_snippet: result.snippet,
          error: result.error,
          succeeded: result.ok,
        },
      });
    })()
      .catch((error: unknown) => {
        // Not sent (its secrets could not be read): the lease runs out and the sweeper queues it again.
        this.claimed--;
        this.ctx.log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt failed to run');
      })
      .finally(() => {
        this.inflight.delete(p);
        const n = (this.sendingTo.get(webhook.id) ?? 1) - 1;
        if (n > 0) this.sendingTo.set(webhook.id, n);
        else this.sendingTo.delete(webhook.id);
        this.pump();
        // A round for every attempt would cost a transaction each: go round once half of what this
        // process holds has finished, when nothing claimed is left to start, or after RECORD_DELAY_MS.
        // Not while backing off after a failed round (see MAX_BACKOFF_MS).
        if (!this.backingOff && (this.finished.length >= this.claimed / 2 || this.waiting.size === 0)) this.wake();
      });
    this.inflight.add(p);
  }

  /** The key ring's decrypt, remembered for SECRET_CACHE_MS (wall time: it bounds what is kept in memory). */
  private readonly cachedKeyring = {
    decrypt: (value: { keyId: string; ciphertext: string }, aad: string): string => {
      const key = `${aad}\0${value.keyId}\0${value.ciphertext}`;
      const now = Date.now();
      const hit = this.secretCache.get(key);
      if (hit && hit.until > now) return hit.secret;
      const secret = this.ctx.secrets.keyring.decrypt(value, aad);
      if (this.secretCache.size >= SECRET_CACHE_ENTRIES) this.secretCache.clear();
      this.secretCache.set(key, { secret, until: now + SECRET_CACHE_MS });
      return secret;
    },
  };

  private report(f: Finished): void {
    const { result } = f;
    this.ctx.metrics.webhookAttempts.inc({ webhook_id: f.webhookId, outcome: result.ok ? 'success' : 'failure' });
    this.ctx.metrics.webhookLatency.observe({ webhook_id: f.webhookId }, result.latencyMs / 1000);
    // A receiver that fails is the operator's (and the partner's) business; one that answers is routine.
    const level = result.ok ? 'debug' : 'warn';
    this.ctx.log[level](
      {
        webhookId: f.webhookId,
        deliveryId: f.delivery.id,
        attempt: f.delivery.attempt_count,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error,
        next: f.outcome.status,
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
    // Most ticks find nothing: one indexed read.
    if (!(await anythingToSweep(this.ctx.db, this.ctx.clock.now()))) return 0;
    for (;;) {
      const now = this.ctx.clock.now();
      const due = await queueDue(this.ctx.db, now, SWEEP_BATCH);
      const recovered = await recoverExpiredClaims(this.ctx.db, now, SWEEP_BATCH);
      const refs = due.length + recovered.length;
      total += refs;
      if (refs > 0) this.wake();
      if (due.length < SWEEP_BATCH && recovered.length < SWEEP_BATCH) return total;
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
    // Claims not yet attempted are given back (if that fails, their leases run out).
    const unsent = [...this.waiting.values()].flat().map((c) => c.delivery);
    this.waiting.clear();
    this.claimed -= unsent.length;
    await releaseClaims(this.ctx.db, this.claimant, unsent, this.ctx.clock.now()).catch((error: unknown) =>
      this.ctx.log.error({ err: error }, 'webhook consumer: could not give back its claims'),
    );
    // Attempts in flight finish (each is bounded by the timeout) and their outcomes are recorded; if
    // that fails, their leases run out and they are attempted again (at least once).
    await Promise.all(this.inflight);
    await this.round(false).catch((error: unknown) =>
      this.ctx.log.error({ err: error }, 'webhook consumer: could not record the last attempts'),
    );
    this.sender.close();
  }

  /** Makes the consumer go round now (work was queued in this process, or an attempt finished). */
  wake(): void {
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private async consume(): Promise<void> {
    while (this.running) {
      let again = false;
      try {
        again = await this.round(true);
      } catch (error) {
        this.ctx.log.error({ err: error }, 'webhook consumer: round failed');
      }
      if (!this.running) break;
      const backoff =
        this.failedRounds > 0 ? Math.min(RECORD_DELAY_MS * 4 ** (this.failedRounds - 1), MAX_BACKOFF_MS) : 0;
      if (backoff === 0 && (again || this.woken)) continue;
      this.backingOff = backoff > 0;
      await new Promise<void>((resolve) => {
        const delay = backoff || (this.finished.length > 0 ? RECORD_DELAY_MS : this.ctx.jobs.pollingIntervalMs);
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.backingOff = false;
      this.wakeUp = undefined;
    }
  }
}
