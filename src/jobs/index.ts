// Background jobs on pg-boss, in the same database as the domain data. On PGlite pg-boss reaches the
// database through Kysely (the one serialized session); on a PostgreSQL server it has its own pool.
// `send(..., { trx })` enqueues inside a domain transaction, so a job exists iff its change committed.
import { PgBoss, fromKysely, type Job, type SendOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { DbHandle, Executor } from '../db/index.ts';

export interface QueueDefinition<T> {
  name: string;
  handler: (job: Job<T>) => Promise<void>;
  /** Jobs fetched per poll. */
  batchSize?: number;
  /** Handlers running at once in this process. */
  localConcurrency?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
}

export interface JobsOptions {
  pollingIntervalSeconds: number;
  log: Logger;
}

export class Jobs {
  readonly boss: PgBoss;
  private readonly queues = new Map<string, QueueDefinition<never>>();
  private started = false;
  private workersStarted = false;
  private readonly repeats: Array<{ queue: string; seconds: number; timer?: NodeJS.Timeout }> = [];

  constructor(
    private readonly handle: DbHandle,
    private readonly opts: JobsOptions,
  ) {
    this.boss =
      handle.kind === 'pglite'
        ? new PgBoss({ db: fromKysely(handle.db), backend: 'pglite', schema: 'pgboss', supervise: true, schedule: false })
        : new PgBoss({ connectionString: handle.url!, schema: 'pgboss', max: 5, supervise: true, schedule: false });
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

  async start(options: { workers: boolean }): Promise<void> {
    if (!this.started) {
      await this.boss.start();
      this.started = true;
      for (const q of this.queues.values()) {
        await this.boss.createQueue(q.name, {
          retryLimit: q.retryLimit ?? 5,
          retryDelay: q.retryDelaySeconds ?? 5,
          retryBackoff: q.retryBackoff ?? true,
          expireInSeconds: q.expireInSeconds ?? 300,
        });
      }
    }
    if (options.workers && !this.workersStarted) {
      this.workersStarted = true;
      for (const q of this.queues.values()) {
        await this.boss.work<never>(
          q.name,
          { batchSize: q.batchSize ?? 1, localConcurrency: q.localConcurrency ?? 1, pollingIntervalSeconds: this.opts.pollingIntervalSeconds },
          async (jobs) => {
            for (const job of jobs) await q.handler(job);
          },
        );
      }
      for (const r of this.repeats) {
        r.timer = setInterval(() => {
          this.boss.send(r.queue, {}).catch((error: unknown) => this.opts.log.warn({ err: error, queue: r.queue }, 'could not enqueue a repeated job'));
        }, r.seconds * 1000);
        r.timer.unref();
      }
    }
  }

  /** Enqueues a job; pass `trx` to enqueue atomically with the domain change. */
  async send<T extends object>(queue: string, data: T, options: Omit<SendOptions, 'db'> & { trx?: Executor } = {}): Promise<string | null> {
    if (!this.queues.has(queue)) throw new Error(`unknown queue ${queue}`);
    const { trx, ...rest } = options;
    return this.boss.send(queue, data, { ...rest, ...(trx ? { db: fromKysely(trx) } : {}) });
  }

  async stop(): Promise<void> {
    for (const r of this.repeats) clearInterval(r.timer);
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true });
  }
}
