// The partner's request log: every client-authenticated request (method, route pattern, status,
// latency, request id, error code) — no bodies, no query strings, no ids from the path, no headers.
// An onResponse hook appends to an in-memory buffer; a timer (or a full batch) writes the buffer in
// one INSERT … SELECT unnest(…), so a request never waits on the database for it. The buffer is
// bounded: past ONRAMP_DASHBOARD_REQUEST_LOG_BUFFER_MAX rows are dropped and counted, never queued
// without limit. Rows older than the retention are deleted by a periodic task.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DashboardConfig } from './config.ts';

export interface RequestLogEntry {
  clientId: string;
  at: Date;
  method: string;
  route: string;
  status: number;
  latencyUs: number;
  requestId: string;
  errorCode: string | null;
}

export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private draining = false;
  dropped = 0;
  written = 0;

  constructor(
    private readonly db: Db,
    private readonly config: DashboardConfig['requestLog'],
    private readonly log: Logger,
  ) {}

  push(entry: RequestLogEntry): void {
    if (this.buffer.length >= this.config.bufferMax) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.config.batchSize) this.kick();
  }

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.config.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is buffered. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private kick(): void {
    if (this.draining || this.buffer.length === 0) return;
    this.draining = true;
    void this.flush().finally(() => {
      this.draining = false;
    });
  }

  /** Writes what is buffered, after any write already under way (writes never overlap). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
  }

  /** One batch at a time; a failed batch is logged and dropped (the buffer stays bounded). */
  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.batchSize);
      try {
        await insertBatch(this.db, batch);
        this.written += batch.length;
      } catch (error) {
        this.dropped += batch.length;
        this.log.warn({ err: error, rows: batch.length }, 'request log batch not written');
      }
    }
  }
}

async function insertBatch(db: Executor, rows: RequestLogEntry[]): Promise<void> {
  const col = <T>(f: (r: RequestLogEntry) => T) => rows.map(f);
  await sql`
    insert into request_log (client_id, at, method, route, status, latency_us, request_id, error_code)
    select * from unnest(${col((r) => r.clientId)}::uuid[], ${col((r) => r.at.toISOString())}::timestamptz[],
                         ${col((r) => r.method)}::text[], ${col((r) => r.route)}::text[], ${col((r) => r.status)}::smallint[],
                         ${col((r) => r.latencyUs)}::integer[], ${col((r) => r.requestId)}::text[],
                         ${col((r) => r.errorCode)}::text[])`.execute(db);
}

/** Deletes rows past the retention, 10 000 at a time (a large backlog never holds one long lock). */
export async function sweepRequestLog(db: Db, clock: Clock, retentionHours: number): Promise<number> {
  const before = new Date(clock.now().getTime() - retentionHours * 3600_000);
  let deleted = 0;
  for (let i = 0; i < 1000; i++) {
    const result = await sql`
      delete from request_log where id in (select id from request_log where at < ${before} limit 10000)`.execute(db);
    const n = Number(result.numAffectedRows ?? 0n);
    deleted += n;
    if (n < 10_000) break;
  }
  return deleted;
}

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

export interface RequestLogCursor {
  at: string;
  id: string;
}

export async function pageRequestLog(
  db: Executor,
  clientId: string,
  opts: { status?: StatusClass; after?: RequestLogCursor; limit: number },
) {
  const cls = opts.status ? Number(opts.status[0]) * 100 : undefined;
  let q = db
    .selectFrom('request_log')
    .select(['id', 'at', 'method', 'route', 'status', 'latency_us', 'request_id', 'error_code'])
    .select(sql<string>`at::text`.as('at_text'))
    .where('client_id', '=', clientId);
  if (cls !== undefined) q = q.where('status', '>=', cls).where('status', '<', cls + 100);
  if (opts.after) q = q.where(sql<boolean>`(at, id) < (${opts.after.at}::timestamptz, ${opts.after.id}::bigint)`);
  return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}
