// SQL for webhook registrations, deliveries and attempts.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { NewRow, Row } from '../../db/schema.ts';
import type { DeliveryStatus } from './tables.ts';

export type WebhookRow = Row<'webhooks'>;
export type DeliveryRow = Row<'webhook_deliveries'>;
export type AttemptRow = Row<'webhook_attempts'>;

export async function countWebhooks(db: Executor, clientId: string): Promise<number> {
  const row = await db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listWebhooks(db: Executor, clientId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function findWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The client's registration; locked when `forUpdate` (inside a transaction). */
export async function findClientWebhook(
  db: Executor,
  clientId: string,
  id: string,
  forUpdate = false,
): Promise<WebhookRow | undefined> {
  let q = db.selectFrom('webhooks').selectAll().where('id', '=', id).where('client_id', '=', clientId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertWebhook(db: Executor, row: NewRow<'webhooks'>): Promise<WebhookRow> {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateWebhook(
  db: Executor,
  id: string,
  set: Partial<NewRow<'webhooks'>>,
): Promise<WebhookRow | undefined> {
  return db.updateTable('webhooks').set(set).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteWebhook(db: Executor, clientId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('id', '=', id)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Disables a registration (a receiver answered 410 Gone); false if it was not active. */
export async function disableWebhook(db: Executor, id: string, reason: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ status: 'DISABLED', disabled_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'ACTIVE')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * For each of `userIds`: the active registrations of the clients that user is active on, with the
 * events each subscribes to (one query for a batch of events).
 */
export async function webhooksOfUsers(
  db: Executor,
  userIds: string[],
): Promise<Array<{ id: string; user_id: string; events: string[] }>> {
  if (userIds.length === 0) return [];
  const ids = sql.val(userIds);
  const result = await sql<{ id: string; user_id: string; events: string[] }>`
    select distinct w.id, m.user_id, w.events from webhooks w
    join (
      select user_id, client_id from user_clients where user_id = any(${ids}::uuid[])
      union
      select id as user_id, client_id from users where id = any(${ids}::uuid[])
    ) m on m.client_id = w.client_id
    where w.status = 'ACTIVE'`.execute(db);
  return result.rows;
}

export interface QueuedRef {
  id: string;
  webhook_id: string;
}

/** Inserts deliveries, skipping (webhook, event) pairs that exist; returns the ids inserted. */
export async function insertDeliveries(db: Executor, rows: NewRow<'webhook_deliveries'>[]): Promise<QueuedRef[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).where('kind', '=', 'EVENT').doNothing())
    .returning(['id', 'webhook_id'])
    .execute();
}

export async function findDelivery(db: Executor, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Registrations with deliveries waiting for an attempt. */
export type ClaimWebhook = Pick<
  WebhookRow,
  | 'id'
  | 'status'
  | 'url'
  | 'secret_ciphertext'
  | 'secret_key_id'
  | 'previous_secret_ciphertext'
  | 'previous_secret_key_id'
  | 'previous_secret_expires_at'
>;

/**
 * Locks (FOR NO KEY UPDATE SKIP LOCKED) up to `limit` registrations that have QUEUED deliveries,
 * starting after `from` in id order and wrapping round, so no registration waits behind the others.
 * Every claimant locks a registration before it claims that registration's deliveries, so two
 * processes never claim for one registration at once: its limit on attempts in flight holds across
 * processes. Registrations locked elsewhere are skipped, not waited for. Call inside a transaction.
 */
export async function lockQueuedWebhooks(db: Executor, from: string, limit: number): Promise<ClaimWebhook[]> {
  // A loose index scan of webhook_deliveries_queued (one probe per registration, however many
  // deliveries each has waiting) from `from` up, then from the start.
  const scan = (name: string, after: string) => sql`
    ${sql.id(name)}(webhook_id) as (
      (select webhook_id from webhook_deliveries
        where status = 'QUEUED' and webhook_id > ${after}::uuid order by webhook_id limit 1)
      union all
      select (select d.webhook_id from webhook_deliveries d
        where d.status = 'QUEUED' and d.webhook_id > t.webhook_id order by d.webhook_id limit 1)
      from ${sql.id(name)} t where t.webhook_id is not null
    )`;
  const result = await sql<ClaimWebhook>`
    with recursive ${scan('upper', from)}, ${scan('lower', ZERO_UUID)},
    candidates as (
      (select webhook_id from upper where webhook_id is not null limit ${limit})
      union
      (select webhook_id from lower where webhook_id is not null and webhook_id <= ${from}::uuid limit ${limit})
    )
    select id, status, url, secret_ciphertext, secret_key_id, previous_secret_ciphertext,
      previous_secret_key_id, previous_secret_expires_at
    from webhooks where id in (select webhook_id from candidates limit ${limit})
    for no key update skip locked`.execute(db);
  return result.rows;
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Claims QUEUED deliveries of the locked registrations `webhookIds` for one attempt each (QUEUED →
 * SENDING with a lease), oldest first: at most `perWebhook` SENDING per registration, counting those
 * already in flight in any process, and at most `limit` in all.
 */
export async function claimQueued(
  db: Executor,
  webhookIds: string[],
  opts: { claimant: string; window: number; limit: number; now: Date; leaseUntil: Date },
): Promise<DeliveryRow[]> {
  if (webhookIds.length === 0 || opts.limit <= 0) return [];
  // Nothing for a registration another consumer has claims on; else up to `window` claimed in all.
  const picked = sql<{ id: string }>`
    select q.id from unnest(${sql.val(webhookIds)}::uuid[]) as w(id)
    cross join lateral (
      select x.id from webhook_deliveries x
      where x.webhook_id = w.id and x.status = 'QUEUED'
      order by x.created_at, x.id
      limit (
        select case when bool_or(s.claimed_by is distinct from ${opts.claimant}::uuid) then 0
          else greatest(0, ${opts.window}::int - count(*)) end
        from webhook_deliveries s where s.webhook_id = w.id and s.status = 'SENDING')
    ) q
    limit ${opts.limit}`;
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'SENDING',
      lease_until: opts.leaseUntil,
      claimed_by: opts.claimant,
      attempt_count: eb('attempt_count', '+', 1),
      series_attempts: eb('series_attempts', '+', 1),
      updated_at: opts.now,
    }))
    .where(sql<boolean>`id in (${picked})`)
    .where('status', '=', 'QUEUED')
    .returningAll()
    .execute();
}

/**
 * Gives back claims that were never attempted (the consumer stopped first): SENDING → QUEUED. Only
 * claims `claimant` still holds: one whose lease ran out and that another consumer claimed since is
 * that consumer's.
 */
export async function releaseClaims(
  db: Executor,
  claimant: string,
  deliveries: DeliveryRow[],
  now: Date,
): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'QUEUED',
      lease_until: null,
      attempt_count: eb('attempt_count', '-', 1),
      series_attempts: eb('series_attempts', '-', 1),
      updated_at: now,
    }))
    .where(
      'id',
      'in',
      deliveries.map((d) => d.id),
    )
    .where('status', '=', 'SENDING')
    .where('claimed_by', '=', claimant)
    .execute();
}

/** Fails, without an attempt, the QUEUED deliveries of registrations that are disabled. */
export async function abandonQueued(db: Executor, webhookIds: string[], error: string, now: Date): Promise<void> {
  if (webhookIds.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'FAILED', next_attempt_at: null, lease_until: null, last_error: error, updated_at: now })
    .where('webhook_id', 'in', webhookIds)
    .where('status', '=', 'QUEUED')
    .execute();
}

export interface AttemptOutcome {
  status: Extract<DeliveryStatus, 'SUCCEEDED' | 'FAILED' | 'SCHEDULED' | 'QUEUED'>;
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
}

export interface FinishedAttempt {
  delivery: DeliveryRow;
  attempt: NewRow<'webhook_attempts'>;
  outcome: AttemptOutcome;
  finishedAt: Date;
}

/**
 * Ends attempts: SENDING → outcome, in one statement, and records every attempt in another. Returns
 * the ids of the deliveries whose claim still held (a claim lost meanwhile changes nothing there).
 */
export async function finishAttempts(db: Executor, finished: FinishedAttempt[]): Promise<Set<string>> {
  if (finished.length === 0) return new Set();
  const values = sql.join(
    finished.map(
      (f) =>
        sql`(${f.delivery.id}::uuid, ${f.delivery.attempt_count}::int, ${f.outcome.status}::text,
          ${f.outcome.nextAttemptAt}::timestamptz, ${f.outcome.statusCode}::int, ${f.outcome.error}::text,
          ${f.finishedAt}::timestamptz)`,
    ),
  );
  const attempts = sql.join(
    finished.map(
      ({ attempt: a }) =>
        sql`(${a.id}::uuid, ${a.delivery_id}::uuid, ${a.attempt_number}::int, ${a.started_at}::timestamptz,
          ${a.latency_ms}::int, ${a.status_code}::int, ${a.response_snippet}::text, ${a.error}::text,
          ${a.succeeded}::boolean)`,
    ),
  );
  // One statement. The attempts happened either way: record them (but for deliveries deleted
  // meanwhile, with their registration).
  const updated = await sql<{ id: string }>`
    with outcomes(id, attempt_count, status, next_attempt_at, status_code, error, finished_at) as (values ${values}),
    attempts(id, delivery_id, attempt_number, started_at, latency_ms, status_code, response_snippet, error, succeeded)
      as (values ${attempts}),
    recorded as (
      insert into webhook_attempts
        (id, delivery_id, attempt_number, started_at, latency_ms, status_code, response_snippet, error, succeeded)
      select a.* from attempts a where exists (select 1 from webhook_deliveries d where d.id = a.delivery_id)
    )
    update webhook_deliveries d set status = v.status, next_attempt_at = v.next_attempt_at, lease_until = null,
      last_status_code = v.status_code, last_error = v.error, updated_at = v.finished_at
    from outcomes v
    where d.id = v.id and d.status = 'SENDING' and d.attempt_count = v.attempt_count
    returning d.id`.execute(db);
  return new Set(updated.rows.map((r) => r.id));
}

/** Whether anything is due by `now` or has an expired claim (one cheap query on partial indexes). */
export async function anythingToSweep(db: Executor, now: Date): Promise<boolean> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'SCHEDULED')
            .where('next_attempt_at', '<=', now),
        )
        .as('due'),
      eb
        .exists(
          eb
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'SENDING')
            .where('lease_until', '<', now),
        )
        .as('expired'),
    ])
    .executeTakeFirstOrThrow();
  return Boolean(row.due) || Boolean(row.expired);
}

/** SCHEDULED deliveries due by `now` → QUEUED; returns their ids (at most `limit`). */
export async function queueDue(db: Executor, now: Date, limit: number): Promise<QueuedRef[]> {
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'QUEUED', updated_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'SCHEDULED')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'SCHEDULED')
    .returning(['id', 'webhook_id'])
    .execute();
  return rows;
}

/** SENDING deliveries whose lease ran out (the process died mid-attempt) → QUEUED again. */
export async function recoverExpiredClaims(db: Executor, now: Date, limit: number): Promise<QueuedRef[]> {
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'QUEUED', lease_until: null, updated_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'SENDING')
        .where('lease_until', '<', now)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'SENDING')
    .returning(['id', 'webhook_id'])
    .execute();
  return rows;
}

/** Marks the pending deliveries of a disabled or deleted registration as failed. */
export async function failPendingDeliveries(db: Executor, webhookId: string, error: string, now: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'FAILED', next_attempt_at: null, last_error: error, updated_at: now })
    .where('webhook_id', '=', webhookId)
    .where('status', 'in', ['SCHEDULED', 'QUEUED'])
    .execute();
}

export interface DeliveryPageKey {
  createdAt: Date;
  id: string;
}

/** Newest first, keyset-paged on (created_at, id). */
export async function pageDeliveries(
  db: Executor,
  webhookId: string,
  opts: { after?: DeliveryPageKey; limit: number; statuses?: DeliveryStatus[] },
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (opts.statuses) q = q.where('status', 'in', opts.statuses);
  if (opts.after) {
    const { createdAt, id } = opts.after;
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function attemptsFor(db: Executor, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt_number', 'asc')
    .execute();
}

/** Deliveries in `statuses`, with their registration's client and URL: newest change first, or oldest first. */
export async function deliveriesWithStatus(
  db: Executor,
  opts: { statuses: DeliveryStatus[]; clientId?: string; limit: number; order: 'newest' | 'oldest' },
): Promise<Array<DeliveryRow & { client_id: string; url: string }>> {
  let q = db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .selectAll('webhook_deliveries')
    .select(['webhooks.client_id', 'webhooks.url'])
    .where('webhook_deliveries.status', 'in', opts.statuses);
  if (opts.clientId) q = q.where('webhooks.client_id', '=', opts.clientId);
  q =
    opts.order === 'newest'
      ? q.orderBy('webhook_deliveries.updated_at', 'desc')
      : q.orderBy('webhook_deliveries.created_at', 'asc');
  return q.orderBy('webhook_deliveries.id').limit(opts.limit).execute();
}

/** Per registration of the client: deliveries still to be sent (not SUCCEEDED or FAILED) and failed ones. */
export async function deliveryCounts(
  db: Executor,
  clientId: string,
): Promise<Map<string, { pending: number; failed: number }>> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhook_deliveries.webhook_id as id', 'webhook_deliveries.status'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('webhooks.client_id', '=', clientId)
    .where('webhook_deliveries.status', '!=', 'SUCCEEDED')
    .groupBy(['webhook_deliveries.webhook_id', 'webhook_deliveries.status'])
    .execute();
  const counts = new Map<string, { pending: number; failed: number }>();
  for (const r of rows) {
    const c = counts.get(r.id) ?? { pending: 0, failed: 0 };
    if (r.status === 'FAILED') c.failed += Number(r.n);
    else c.pending += Number(r.n);
    counts.set(r.id, c);
  }
  return counts;
}

/** Starts a new series of attempts now (replay): any state but SENDING/QUEUED → QUEUED. */
export async function requeueDelivery(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'QUEUED', series_attempts: 0, next_attempt_at: null, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['SCHEDULED', 'SUCCEEDED', 'FAILED'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
