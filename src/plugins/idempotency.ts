// Idempotency-Key for writes that move money or change identity: a route opts in with
// `config: { idempotency: true }` (the purchase, user creation, KYC, bank activation, wallets, webhooks).
//
// - The header is optional; when sent it must be 1–255 printable ASCII characters (else 400
//   INVALID_IDEMPOTENCY_KEY). Keys are scoped to the client and kept 24 hours (sandbox clock).
// - The first request with a key records it IN_FLIGHT under a lease and runs; its response (any status
//   below 500) is stored and the key becomes DONE. The same key with the same request (method, URL,
//   body, user session) replays that response byte for byte, with `Idempotent-Replayed: true`; with
//   another request it is 422 IDEMPOTENCY_KEY_REUSED; while the first still runs, 409
//   IDEMPOTENCY_KEY_IN_USE (Retry-After: 1).
// - A 5xx or an aborted request releases the key, so the client can retry. A request whose process
//   died leaves its key IN_FLIGHT until the lease ends (LEASE_MS, wall time); then the next request
//   with the key takes it over and runs again. Use cases therefore make their own writes idempotent
//   too: `idempotencyId(request)` gives a UUID derived from (client, key, when the key was first used)
//   to use as the natural id of what the request creates, so a re-run after a crash finds the first
//   run's rows.
// - A key past its 24 hours is forgotten: the next request with it is a new request (Stripe's
//   behaviour) and gets a new derived id, so the first request's result is never returned for it.
import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../lib/clock.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const RETENTION_MS = 24 * 3_600_000;
/** How long a key stays locked by a request that never finished (its process died). */
export const LEASE_MS = 120_000;
const KEY_RE = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Honour the Idempotency-Key header on this route (writes that move money or change identity). A key
     * is bound to the request's method, URL, body and session user; `{ bindSessionUser: false }` leaves
     * the user out, for a request that gives the session its user (POST /v1/users: a retry arrives with
     * the session now belonging to the user the first attempt created, and the body names that user).
     */
    idempotency?: boolean | { bindSessionUser: false };
  }
  interface FastifyRequest {
    /** The Idempotency-Key this request owns, when one was sent to an idempotent route. */
    idempotency: { clientId: string; key: string; createdAt: Date; owner: string; recorded: boolean } | null;
  }
}

/**
 * A stable UUID for what this request creates, derived from (client, Idempotency-Key, the key's first
 * use): the same across retries and a takeover after a crash, new once the key was forgotten after
 * its retention. Undefined without a key.
 */
export function idempotencyId(request: FastifyRequest): string | undefined {
  const i = request.idempotency;
  if (!i) return undefined;
  const h = createHash('sha256')
    .update(`onramp-idempotency\n${i.clientId}\n${i.key}\n${i.createdAt.toISOString()}`)
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5-style (name-based, SHA)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  const bindUser = request.routeOptions.config?.idempotency === true;
  const user = bindUser ? (request.session?.userId ?? '') : '';
  return createHash('sha256')
    .update(`${request.method}\n${request.url}\n${user}\n${canonical(request.body ?? null)}`)
    .digest('hex');
}

export const idempotencyPlugin = fp(async function idempotencyPlugin(
  app: FastifyInstance,
  opts: { db: Db; clock: Clock },
) {
  const { db, clock } = opts;
  app.decorateRequest('idempotency', null);
  const claim = async (request: FastifyRequest, reply: FastifyReply) => claimKey(db, clock, request, reply);
  // Record the response before it is sent: once the client sees it, a retry must replay it.
  const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) =>
    recordResponse(db, request, reply, payload);
  // A request that ended without a response (client gone, error while sending) releases its key.
  const releaseUnrecorded = async (request: FastifyRequest) => releaseUnrecordedKey(db, request);
  // Only the routes that honour a key get the hooks, as route hooks (after the global hooks of each
  // step, as before): every other request (reads) runs none of them.
  app.addHook('onRoute', (route) => {
    const option = route.config?.idempotency;
    if (option === undefined || option === false) return;
    route.preHandler = [...hookList(route.preHandler), claim];
    route.onSend = [...hookList(route.onSend), record];
    route.onRequestAbort = [...hookList(route.onRequestAbort), releaseUnrecorded];
    route.onResponse = [...hookList(route.onResponse), releaseUnrecorded];
  });
});

function hookList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** The request's Idempotency-Key when its route honours one and it was sent; 400 when it is malformed. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const option = request.routeOptions.config?.idempotency;
  if (option === undefined || option === false) return undefined;
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? undefined : raw;
  if (key === undefined || !KEY_RE.test(key)) {
    throw new AppError('INVALID_IDEMPOTENCY_KEY', {
      data: { field: 'Idempotency-Key', rule: 'printableAscii1to255' },
    });
  }
  return key;
}

/**
 * preHandler: takes the request's Idempotency-Key (new, expired, or whose holder died), or answers for
 * it (replay, 422 reused, 409 in use).
 */
async function claimKey(
  db: Db,
  clock: Clock,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) return;
  if (!request.client) return; // routes with idempotency always authenticate a client first
  const clientId = request.client.id;
  const hash = requestHash(request);
  const owner = randomBytes(12).toString('hex');

  for (let attempt = 0; attempt < 3; attempt++) {
    const now = clock.now();
    const wall = new Date();
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        client_id: clientId,
        key,
        request_hash: hash,
        status: 'IN_FLIGHT',
        owner,
        locked_until: new Date(wall.getTime() + LEASE_MS),
        created_at: now,
        expires_at: new Date(now.getTime() + RETENTION_MS),
      })
      .onConflict((oc) => oc.columns(['client_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      request.idempotency = { clientId, key, createdAt: now, owner, recorded: false };
      return;
    }
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) continue; // released meanwhile: try again
    if (existing.expires_at <= now) {
      await db
        .deleteFrom('idempotency_keys')
        .where('client_id', '=', clientId)
        .where('key', '=', key)
        .where('expires_at', '<=', now)
        .execute();
      continue;
    }
    if (existing.request_hash !== hash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', {
        message:
          'This Idempotency-Key was already used with a different request (method, path, body or user); use a new key for a new request',
        data: { field: 'Idempotency-Key', rule: 'sameRequest' },
      });
    }
    if (existing.status === 'DONE') return replay(reply, existing);
    if (existing.locked_until > wall) {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', {
        headers: { 'retry-after': '1' },
        data: { field: 'Idempotency-Key' },
      });
    }
    // The request holding the key died (its lease ran out): take the key over, once.
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ owner, locked_until: new Date(wall.getTime() + LEASE_MS) })
      .where('client_id', '=', clientId)
      .where('key', '=', key)
      .where('status', '=', 'IN_FLIGHT')
      .where('owner', '=', existing.owner)
      .executeTakeFirst();
    if (taken.numUpdatedRows === 1n) {
      request.log.warn(
        { idempotencyKeyHash: hash.slice(0, 12) },
        'took over an Idempotency-Key whose request never finished',
      );
      request.idempotency = { clientId, key, createdAt: existing.created_at, owner, recorded: false };
      return;
    }
  }
  throw new AppError('IDEMPOTENCY_KEY_IN_USE', {
    headers: { 'retry-after': '1' },
    data: { field: 'Idempotency-Key' },
  });
}

/** onSend: stores a response below 500 under its key (DONE); a 5xx or a stream releases the key. */
async function recordResponse(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const i = request.idempotency;
  if (!i || i.recorded) return payload;
  i.recorded = true;
  if (
    reply.statusCode >= 500 ||
    (typeof payload !== 'string' && payload !== null && payload !== undefined && !Buffer.isBuffer(payload))
  ) {
    await release(db, i);
    return payload;
  }
  const body = payload === null || payload === undefined ? '' : payload.toString();
  const contentType = reply.getHeader('content-type');
  await db
    .updateTable('idempotency_keys')
    .set({
      status: 'DONE',
      response_status: reply.statusCode,
      response_content_type: typeof contentType === 'string' ? contentType : null,
      response_body: body,
    })
    .where('client_id', '=', i.clientId)
    .where('key', '=', i.key)
    .where('owner', '=', i.owner)
    .where('status', '=', 'IN_FLIGHT')
    .execute();
  return payload;
}

async function releaseUnrecordedKey(db: Db, request: FastifyRequest): Promise<void> {
  const i = request.idempotency;
  if (i && !i.recorded) {
    i.recorded = true;
    await release(db, i).catch((error: unknown) =>
      request.log.error({ err: error }, 'could not release an Idempotency-Key'),
    );
  }
}

async function release(db: Db, i: { clientId: string; key: string; owner: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('client_id', '=', i.clientId)
    .where('key', '=', i.key)
    .where('owner', '=', i.owner)
    .where('status', '=', 'IN_FLIGHT')
    .execute();
}

function replay(
  reply: FastifyReply,
  row: { response_status: number | null; response_content_type: string | null; response_body: string | null },
): FastifyReply {
  reply.code(row.response_status ?? 200).header('idempotent-replayed', 'true');
  if (row.response_content_type) reply.header('content-type', row.response_content_type);
  // Already serialized: send the stored bytes as they were.
  return reply.serializer((p: unknown) => p as string).send(row.response_body ?? '');
}

/** Deletes expired keys (a periodic job). Returns how many. */
export async function sweepIdempotencyKeys(db: Db, now: Date, limit = 5000): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where(({ eb, selectFrom }) =>
      eb('key', 'in', selectFrom('idempotency_keys').select('key').where('expires_at', '<=', now).limit(limit)),
    )
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export const IDEMPOTENCY_SWEEP_QUEUE = 'idempotency-sweep';

/** Hourly removal of keys past their 24 hours (registered as a module job hook). */
export function defineIdempotencyJobs(ctx: { db: Db; clock: Clock; jobs: import('../jobs/index.ts').Jobs }): void {
  ctx.jobs.define({
    name: IDEMPOTENCY_SWEEP_QUEUE,
    retryLimit: 1,
    handler: async () => {
      while ((await sweepIdempotencyKeys(ctx.db, ctx.clock.now())) > 0);
    },
  });
  ctx.jobs.repeat(IDEMPOTENCY_SWEEP_QUEUE, 3600);
}
