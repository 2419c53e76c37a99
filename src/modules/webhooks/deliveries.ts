// Reading and re-sending deliveries: the keyset-paged list with every attempt, replay, and the test event.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import { TEST_EVENT } from './event-names.ts';
import type { WebhookDelivery } from './delivery.ts';
import { requireWebhook } from './registrations.ts';
import {
  attemptsFor,
  findDelivery,
  insertDeliveries,
  pageDeliveries,
  requeueDelivery,
  type AttemptRow,
  type DeliveryRow,
} from './repository.ts';
import type { DeliveryStatus } from './tables.ts';

/** What a partner sees: SCHEDULED, QUEUED and SENDING are all PENDING. */
export type DeliveryState = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface AttemptView {
  attemptNumber: number;
  time: string;
  latencyMs: number;
  statusCode?: number;
  responseSnippet?: string;
  error?: string;
  succeeded: boolean;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  event: string;
  userId?: string;
  status: DeliveryState;
  attemptCount: number;
  nextAttemptTime?: string;
  lastStatusCode?: number;
  lastError?: string;
  createTime: string;
  updateTime: string;
  attempts: AttemptView[];
}

export function deliveryState(status: DeliveryStatus): DeliveryState {
  switch (status) {
    case 'SCHEDULED':
    case 'QUEUED':
    case 'SENDING':
      return 'PENDING';
    case 'SUCCEEDED':
    case 'FAILED':
      return status;
    default: {
      const never: never = status;
      throw new Error(`unknown delivery status ${String(never)}`);
    }
  }
}

function toAttempt(a: AttemptRow): AttemptView {
  const v: AttemptView = {
    attemptNumber: a.attempt_number,
    time: a.started_at.toISOString(),
    latencyMs: a.latency_ms,
    succeeded: a.succeeded,
  };
  if (a.status_code !== null) v.statusCode = a.status_code;
  if (a.response_snippet !== null) v.responseSnippet = a.response_snippet;
  if (a.error !== null) v.error = a.error;
  return v;
}

export function toDelivery(d: DeliveryRow, attempts: AttemptRow[]): DeliveryView {
  const v: DeliveryView = {
    id: d.id,
    webhookId: d.webhook_id,
    eventId: d.event_id,
    event: d.event_type,
    status: deliveryState(d.status),
    attemptCount: d.attempt_count,
    createTime: d.created_at.toISOString(),
    updateTime: d.updated_at.toISOString(),
    attempts: attempts.map(toAttempt),
  };
  if (d.user_id !== null) v.userId = d.user_id;
  if (d.status === 'SCHEDULED' && d.next_attempt_at) v.nextAttemptTime = d.next_attempt_at.toISOString();
  if (d.last_status_code !== null) v.lastStatusCode = d.last_status_code;
  if (d.last_error !== null) v.lastError = d.last_error;
  return v;
}

const STATES: Record<DeliveryState, DeliveryStatus[]> = {
  PENDING: ['SCHEDULED', 'QUEUED', 'SENDING'],
  SUCCEEDED: ['SUCCEEDED'],
  FAILED: ['FAILED'],
};

interface PageToken {
  t: string;
  id: string;
  s?: DeliveryState;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(token: string): PageToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (typeof t.t !== 'string' || typeof t.id !== 'string' || Number.isNaN(Date.parse(t.t))) throw new Error('shape');
    return t;
  } catch {
    throw new AppError('INVALID_PAGE_TOKEN', {
      message: '`pageToken` is not a token returned as nextPageToken',
      data: { field: 'pageToken', rule: 'format' },
    });
  }
}

export async function listDeliveries(
  ctx: AppContext,
  clientId: string,
  webhookId: string,
  query: { pageSize?: number; pageToken?: string; status?: DeliveryState },
): Promise<{ items: DeliveryView[]; nextPageToken?: string }> {
  await requireWebhook(ctx.db, clientId, webhookId);
  const pageSize = query.pageSize ?? 25;
  const token = query.pageToken ? decodeToken(query.pageToken) : undefined;
  if (token && query.status !== undefined && token.s !== query.status) {
    throw new AppError('UNSUPPORTED_QUERY_PARAMETERS', { data: { field: 'status' } });
  }
  const status = token ? token.s : query.status;
  const rows = await pageDeliveries(ctx.db, webhookId, {
    limit: pageSize + 1,
    ...(token ? { after: { createdAt: new Date(token.t), id: token.id } } : {}),
    ...(status ? { statuses: STATES[status] } : {}),
  });
  const page = rows.slice(0, pageSize);
  const attempts = await attemptsFor(
    ctx.db,
    page.map((d) => d.id),
  );
  const byDelivery = new Map<string, AttemptRow[]>();
  for (const a of attempts) byDelivery.set(a.delivery_id, [...(byDelivery.get(a.delivery_id) ?? []), a]);
  const result: { items: DeliveryView[]; nextPageToken?: string } = {
    items: page.map((d) => toDelivery(d, byDelivery.get(d.id) ?? [])),
  };
  if (rows.length > pageSize) {
    const last = page.at(-1)!;
    result.nextPageToken = encodeToken({
      t: last.created_at.toISOString(),
      id: last.id,
      ...(status ? { s: status } : {}),
    });
  }
  return result;
}

async function view(ctx: AppContext, deliveryId: string): Promise<DeliveryView> {
  const d = (await findDelivery(ctx.db, deliveryId))!;
  return toDelivery(d, await attemptsFor(ctx.db, [deliveryId]));
}

/**
 * Sends a delivery again, as a new series of attempts with the same body and `id` (so a receiver that
 * dedupes by id sees a repeat). A delivery already waiting to be sent is left as it is.
 * `clientId` undefined: the operator, for any client.
 */
export async function replayDelivery(
  ctx: AppContext,
  delivery: WebhookDelivery,
  clientId: string | undefined,
  webhookId: string | undefined,
  deliveryId: string,
): Promise<DeliveryView> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const d = await findDelivery(trx, deliveryId);
    if (!d || (webhookId !== undefined && d.webhook_id !== webhookId))
      throw new AppError('NOT_FOUND_WEBHOOK_DELIVERY', { data: { deliveryId } });
    const webhook =
      clientId === undefined
        ? await trx.selectFrom('webhooks').selectAll().where('id', '=', d.webhook_id).executeTakeFirst()
        : await requireWebhook(trx, clientId, d.webhook_id);
    if (!webhook) throw new AppError('NOT_FOUND_WEBHOOK_DELIVERY', { data: { deliveryId } });
    if (webhook.status !== 'ACTIVE') throw new AppError('WEBHOOK_DISABLED', { data: { webhookId: webhook.id } });
    if (await requeueDelivery(trx, deliveryId, now)) await delivery.enqueue(trx, [d]);
  });
  delivery.wake();
  return view(ctx, deliveryId);
}

/** Queues a WEBHOOK_TEST event for the registration (sent once, not retried). */
export async function sendTestEvent(
  ctx: AppContext,
  delivery: WebhookDelivery,
  clientId: string,
  webhookId: string,
): Promise<DeliveryView> {
  const now = ctx.clock.now();
  const id = newId();
  const webhook = await requireWebhook(ctx.db, clientId, webhookId);
  if (webhook.status !== 'ACTIVE') throw new AppError('WEBHOOK_DISABLED', { data: { webhookId } });
  const body = JSON.stringify({
    userId: null,
    event: TEST_EVENT,
    id,
    data: {
      webhookId,
      message: 'A test event sent by POST /v1/webhooks/{webhookId}:test',
      createTime: now.toISOString(),
    },
  });
  const [ref] = await ctx.db.transaction().execute(async (trx) => {
    const refs = await insertDeliveries(trx, [
      {
        id: newId(),
        webhook_id: webhookId,
        kind: 'TEST',
        event_id: id,
        event_type: TEST_EVENT,
        user_id: null,
        body,
        status: 'QUEUED',
        created_at: now,
        updated_at: now,
      },
    ]);
    await delivery.enqueue(trx, refs);
    return refs;
  });
  delivery.wake();
  return view(ctx, ref!.id);
}
