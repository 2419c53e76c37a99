// Background jobs on pg-boss, in the same database as the domain data. On PGlite pg-boss reaches the
// database through Kysely (the one serialized session); on a PostgreSQL server it has its own pool.
// `send(..., { trx })` enqueues inside a domain transaction, so a job exists iff its change committed.
import { PgBoss, fromKysely, type Job, type SendOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { DbHandle, Executor } from '../db/index.ts';
import { InvariantError, failureLevel } from '../lib/invariant.ts';

export interface QueueDefinition<T> {
  name: string;
  handler: (job: Job<T>) => Promise<void>;
  /**
   * Handles a whole fetched batch at once instead (one failure fails the batch, and pg-boss retries
   * all of it, so it must be idempotent).
   */
  batchHandler?: (jobs: Job<T>[]) => Promise<void>;
  /** Jobs fetched per poll. */
  batchSize?: number;
  /** Handlers running at once in this process. */
  localConcurrency?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /**
   * Run the handlers of one fetched batch concurrently (default: one after another). If any fails,
   * the batch fails and pg-boss retries all of it, so handlers must be idempotent.
   */
  parallel?: boolean;
  /** No pg-boss work() loop: a module service fetches and completes this queue's jobs itself. */
  manual?: boolean;
  /**
   * A running job's claim lapses this long after its worker stopped refreshing it (a killed process),
   * and another worker retries it. Default: JobsOptions.heartbeatSeconds; manual queues have none.
   */
  heartbeatSeconds?: number;
}

/** Something a worker process runs while its workers run (e.g. a custom consumer of a manual queue). */
export interface WorkerService {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

/** A task a worker process runs every `intervalMs` (never in processes without workers). */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
}

export interface JobsOptions {
  pollingIntervalSeconds: number;
  log: Logger;
  /**
   * Run pg-boss's supervisor here (expiry, lapsed heartbeats, retention): worker processes do, API
   * processes and the CLI only enqueue. Default true.
   */
  supervise?: boolean;
  /** Default heartbeat of work() queues, ≥ 10 (pg-boss's minimum). Default 10. */
  heartbeatSeconds?: number;
}

/**
 * How often the supervisor looks for jobs whose worker died (lapsed heartbeat) or outran their expiry.
 * pg-boss's default is 60 s; a crashed worker's jobs are retried within heartbeat + this + a poll.
 */
export const SUPERVISE_INTERVAL_SECONDS = 5;

export class Jobs {
  readonly boss: PgBoss;
  private readonly queues = new Map<string, QueueDefinition<never>>();
  private readonly periodic: PeriodicTask[] = [];
  private readonly services: WorkerService[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** This process's pg-boss worker per queue, for wake(). */
  private readonly workerIds = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private workersStarted = false;
  private readonly repeats: Array<{ queue: string; seconds: number; timer?: NodeJS.Timeout }> = [];

  constructor(
    readonly handle: DbHandle,
    private readonly opts: JobsOptions,
  ) {
    const maintenance = {
      supervise: opts.supervise ?? true,
      superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
      monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    };
    // Wake-ups on send: every queue is created with `notify`, so a job's insert also NOTIFYs (in the
    // same statement: it arrives when the sending transaction commits) and workers listening in any
    // process fetch at once instead of at their next poll. Polls continue as the floor, for jobs that
    // become due later (retries, startAfter) and for NOTIFYs lost while a connection was down.
    this.boss =
      handle.kind === 'pglite'
        ? new PgBoss({
            db: pgliteAdapter(handle),
            backend: 'pglite',
            schema: 'pgboss',
            schedule: false,
            useListenNotify: true,
            ...maintenance,
          })
        : new PgBoss({
            connectionString: handle.url!,
            schema: 'pgboss',
            max: 5,
            schedule: false,
            useListenNotify: true,
            ...maintenance,
          });
    this.boss.on('error', (error: Error) => opts.log.error({ err: error }, 'job queue error'));
  }

  /** Declares a queue and its handler; workers start with start({ workers: true }). */
  define<T>(definition: QueueDefinition<T>): void {
    if (this.queues.has(definition.name)) throw new Error(`queue ${definition.name} defined twice`);
    this.queues.set(definition.name, definition as QueueDefinition<never>);
  }

  /**
   * Sends `queue` an empty job every `seconds` while this process runs workers: a poller for work that
   * becomes due with time (ACH settlement). Several processes may each send one; handlers must be
   * idempotent, as every handler here is.
   */
  repeat(queue: string, seconds: number): void {
    if (!this.queues.has(queue)) throw new Error(`unknown queue ${queue}`);
    this.repeats.push({ queue, seconds });
  }

  /** Declares a periodic task; it starts with the workers and stops with stop(). */
  every(task: PeriodicTask): void {
    this.periodic.push(task);
  }

  /** Declares a service started with the workers and stopped (awaited) before the queue closes. */
  service(service: WorkerService): void {
    this.services.push(service);
  }

  async start(options: { workers: boolean }): Promise<void> {
    if (!this.started) {
      await this.boss.start();
      this.started = true;
      await this.ensureQueues();
    }
    if (options.workers && !this.workersStarted) {
      this.workersStarted = true;
      for (const q of this.queues.values()) {
        if (q.manual) continue;
        const workerId = await this.boss.work<never>(
          q.name,
          {
            batchSize: q.batchSize ?? 1,
            localConcurrency: q.localConcurrency ?? 1,
            pollingIntervalSeconds: this.opts.pollingIntervalSeconds,
            // pg-boss stretches the poll to 30 s while NOTIFY works; jobs that become due later
            // (retries, startAfter) get no NOTIFY, so the poll stays as it is.
            notifyPollingIntervalSeconds: this.opts.pollingIntervalSeconds,
            // A third of the heartbeat, so two refreshes can be late (a busy event loop) before the claim lapses.
            heartbeatRefreshSeconds: Math.max(1, Math.floor((this.queueOptions(q).heartbeatSeconds ?? 10) / 3)),
          },
          async (jobs) => {
            // A full batch means more may be waiting: fetch again at once rather than at the next poll
            // (one NOTIFY stands for any number of jobs sent together, and a backlog must not drain
            // at one batch per poll). pg-boss's burstWhenBatchFull does not apply to batches of one.
            if (jobs.length >= (q.batchSize ?? 1)) this.wake(q.name);
            if (q.batchHandler) return this.runBatch(q, jobs);
            if (!q.parallel) {
              for (const job of jobs) await this.runJob(q, job);
              return;
            }
            const results = await Promise.allSettled(jobs.map((job) => this.runJob(q, job)));
            const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
            if (failed.length > 0)
              throw failed.length === 1
                ? failed[0]!.reason
                : new AggregateError(
                    failed.map((f) => f.reason),
                    `${failed.length} jobs failed`,
                  );
          },
        );
        this.workerIds.set(q.name, workerId);
      }
      for (const r of this.repeats) {
        r.timer = setInterval(() => {
          this.boss
            .send(r.queue, {})
            .catch((error: unknown) =>
              this.opts.log.warn({ err: error, queue: r.queue }, 'could not enqueue a repeated job'),
            );
        }, r.seconds * 1000);
        r.timer.unref();
      }
      for (const task of this.periodic) this.schedule(task);
      for (const service of this.services) service.start();
    }
  }

  /**
   * Runs one job. pg-boss records a failure and retries it; a broken invariant (a bug or corrupted
   * state, lib/invariant.ts) is also logged here at fatal level, since retries will not mend it.
   */
  private async runJob(q: QueueDefinition<never>, job: Job<never>): Promise<void> {
    try {
      await q.handler(job);
    } catch (error) {
      if (error instanceof InvariantError)
        this.opts.log.fatal({ err: error, queue: q.name, jobId: job.id }, 'job failed: invariant broken');
      throw error;
    }
  }

  private async runBatch(q: QueueDefinition<never>, jobs: Job<never>[]): Promise<void> {
    try {
      await q.batchHandler!(jobs);
    } catch (error) {
      if (error instanceof InvariantError)
        this.opts.log.fatal({ err: error, queue: q.name, jobs: jobs.length }, 'job batch failed: invariant broken');
      throw error;
    }
  }

  /** The retry, expiry and heartbeat settings each queue is created with (and updated to). */
  private queueOptions(q: QueueDefinition<never>) {
    return {
      retryLimit: q.retryLimit ?? 5,
      retryDelay: q.retryDelaySeconds ?? 5,
      retryBackoff: q.retryBackoff ?? true,
      expireInSeconds: q.expireInSeconds ?? 300,
      heartbeatSeconds: q.manual ? null : (q.heartbeatSeconds ?? this.opts.heartbeatSeconds ?? 10),
      notify: true,
    };
  }

  /**
   * Creates missing queues and updates those whose settings changed since they were created: pg-boss's
   * createQueue leaves an existing queue as it is, so a new heartbeat or retry limit would never apply.
   */
  private async ensureQueues(): Promise<void> {
    const existing = new Map((await this.boss.getQueues()).map((q) => [q.name, q]));
    for (const q of this.queues.values()) {
      const wanted = this.queueOptions(q);
      const found = existing.get(q.name);
      if (!found) {
        const { heartbeatSeconds, ...rest } = wanted;
        await this.boss.createQueue(q.name, heartbeatSeconds === null ? rest : wanted);
        continue;
      }
      const stale =
        found.retryLimit !== wanted.retryLimit ||
        found.retryDelay !== wanted.retryDelay ||
        found.retryBackoff !== wanted.retryBackoff ||
        found.expireInSeconds !== wanted.expireInSeconds ||
        (found.heartbeatSeconds ?? null) !== wanted.heartbeatSeconds ||
        found.notify !== wanted.notify;
      if (stale) await this.boss.updateQueue(q.name, wanted);
    }
  }

  /** Enqueues a job; pass `trx` to enqueue atomically with the domain change. */
  async send<T extends object>(
    queue: string,
    data: T,
    options: Omit<SendOptions, 'db'> & { trx?: Executor } = {},
  ): Promise<string | null> {
    if (!this.queues.has(queue)) throw new Error(`unknown queue ${queue}`);
    const { trx, ...rest } = options;
    return this.boss.send(queue, data, { ...rest, ...(trx ? { db: fromKysely(trx) } : {}) });
  }

  /**
   * Tells this process's worker for `queue` to fetch now instead of at its next poll. Call it after
   * the transaction that sent the job commits (a job sent in a transaction is invisible until then);
   * other processes still find the job at their next poll.
   */
  wake(queue: string): void {
    const id = this.workerIds.get(queue);
    if (id !== undefined && this.workersStarted) this.boss.notifyWorker(id);
  }

  /** Enqueues several jobs of one queue in one statement; pass `trx` to enqueue atomically. */
  async sendMany<T extends object>(
    queue: string,
    jobs: Array<{ data: T; group?: string }>,
    options: { trx?: Executor } = {},
  ): Promise<void> {
    if (!this.queues.has(queue)) throw new Error(`unknown queue ${queue}`);
    if (jobs.length === 0) return;
    const rows = jobs.map((j) => ({ data: j.data, ...(j.group ? { group: { id: j.group } } : {}) }));
    await this.boss.insert(queue, rows, options.trx ? { db: fromKysely(options.trx) } : {});
  }

  /** Whether this process runs job handlers and periodic tasks (false in `api` processes and the CLI). */
  get runsWorkers(): boolean {
    return this.workersStarted;
  }

  /** How often workers poll an empty queue. */
  get pollingIntervalMs(): number {
    return this.opts.pollingIntervalSeconds * 1000;
  }

  private schedule(task: PeriodicTask): void {
    // Runs never overlap: the next one is scheduled when the previous one has finished.
    const tick = () => {
      if (!this.workersStarted) return;
      const run = task
        .run()
        .catch((error: unknown) =>
          this.opts.log[failureLevel(error)]({ err: error, task: task.name }, 'periodic task failed'),
        )
        .finally(() => {
          this.running.delete(run);
          if (this.workersStarted) this.timers.set(task.name, setTimeout(tick, task.intervalMs).unref());
        });
      this.running.add(run);
    };
    this.timers.set(task.name, setTimeout(tick, task.intervalMs).unref());
  }

  async stop(): Promise<void> {
    for (const r of this.repeats) clearInterval(r.timer);
    const wasRunning = this.workersStarted;
    this.workersStarted = false;
    if (wasRunning) await Promise.all(this.services.map((s) => s.stop()));
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running);
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true });
  }
}

/** pg-boss's database on PGlite: Kysely's serialised session, and PGlite's own LISTEN for wake-ups. */
function pgliteAdapter(handle: DbHandle): ReturnType<typeof fromKysely> & {
  listen?: (
    channel: string,
    onNotification: (payload: string) => void,
    onReconnect: () => void,
  ) => Promise<{ close: () => Promise<void> }>;
} {
  const db = fromKysely(handle.db);
  const listen = handle.listen;
  if (!listen) return db;
  return {
    ...db,
    async listen(channel, onNotification, onReconnect) {
      const unlisten = await listen(channel, onNotification);
      // Nothing can have been missed before this point, but pg-boss expects a fetch after subscribing.
      onReconnect();
      return { close: unlisten };
    },
  };
}
