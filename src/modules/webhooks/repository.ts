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

/** Active registrations of the clients `userId` is active on that subscribe to `eventType`. */
export async function matchingWebhooks(
  db: Executor,
  userId: string,
  eventType: string,
): Promise<Array<{ id: string }>> {
  return db
    .selectFrom('webhooks')
    .select('webhooks.id')
    .where((eb) =>
      eb.or([
        eb('webhooks.client_id', 'in', eb.selectFrom('user_clients').select('client_id').where('user_id', '=', userId)),
        eb('webhooks.client_id', 'in', eb.selectFrom('users').select('client_id').where('id', '=', userId)),
      ]),
    )
    .where('webhooks.status', '=', 'ACTIVE')
    .where(sql<boolean>`${eventType} = any(webhooks.events)`)
    .execute();
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

/**
 * Claims a queued delivery for one attempt: QUEUED → SENDING with a lease. Only one claimant wins,
 * so a job that runs twice sends once (per lease).
 */
export async function claimDelivery(
  db: Executor,
  id: string,
  now: Date,
  leaseUntil: Date,
): Promise<DeliveryRow | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'SENDING',
      lease_until: leaseUntil,
      attempt_count: eb('attempt_count', '+', 1),
      series_attempts: eb('series_attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'QUEUED')
    .returningAll()
    .executeTakeFirst();
}

/** Ends a claim without an attempt: the registration is gone or disabled. */
export async function abandonClaim(db: Executor, id: string, error: string, now: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'FAILED',
      next_attempt_at: null,
      lease_until: null,
      last_error: error,
      attempt_count: eb('attempt_count', '-', 1),
      series_attempts: eb('series_attempts', '-', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'SENDING')
    .execute();
}

export interface AttemptOutcome {
  status: Extract<DeliveryStatus, 'SUCCEEDED' | 'FAILED' | 'SCHEDULED' | 'QUEUED'>;
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
}

/** Ends an attempt: SENDING → outcome. False if the claim was lost meanwhile (nothing changes). */
export async function finishAttempt(
  db: Executor,
  delivery: DeliveryRow,
  attempt: NewRow<'webhook_attempts'>,
  outcome: AttemptOutcome,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      next_attempt_at: outcome.nextAttemptAt,
      lease_until: null,
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      updated_at: now,
    })
    .where('id', '=', delivery.id)
    .where('status', '=', 'SENDING')
    .where('attempt_count', '=', delivery.attempt_count)
    .executeTakeFirst();
  // The attempt happened either way: record it.
  await db.insertInto('webhook_attempts').values(attempt).execute();
  return result.numUpdatedRows > 0n;
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
