// Plaid Transfer in the built-in sandbox: authorizations, transfers, refunds, sweeps, the Plaid Ledger
// balance and the event stream, all in the database. Behaviour is Plaid's documented Sandbox
// behaviour plus the onramp sandbox rules (guides/sandbox-testing.md, PRODUCT.md §7):
//
//   authorization   item in ITEM_LOGIN_REQUIRED → user_action_required (Plaid);
//                   $123.45 → declined, rationale RISK (onramp); otherwise approved
//   transfer        pending → posted at its window's cutoff → on the settlement date (the effective
//                   date + ONRAMP_ACH_SETTLEMENT_BUSINESS_DAYS business days, 09:00 New York):
//                   over $50 → returned R01 (onramp); otherwise settled → funds_available
//   refund          pending → posted (once its transfer settled) → settled the next business day
//
// Those moves happen by themselves as the sandbox clock passes (advanceDue), each event stamped with
// its scheduled time, and a TRANSFER_EVENTS_UPDATE webhook follows. /sandbox/transfer/simulate and
// /sandbox/transfer/refund/simulate force any of Plaid's transitions instead — plus a return after
// settlement (e.g. R10), which real debits can suffer for 60 days — and the sandbox stops moving that
// transfer by itself. Plaid's own sandbox also declines by available balance and moves transfers with
// magic amounts ($11.11, $22.22, …); this one does not, because the Ratio rules give those amounts
// other outcomes (docs/plaid-sandbox.md).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/index.ts';
import type { NewRow, Row } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { newYorkTime } from '../../lib/business-days.ts';
import { formatUsd, type UsdCents, usdCents } from '../../lib/money.ts';
import { plaidErrors, transferErrors } from './errors.ts';
import type { ItemRow } from './sandbox.ts';
import type { SandboxTransferStatus } from './transfer-tables.ts';
import { type AchNetwork, scheduleDebit, scheduleRefund } from './transfer-schedule.ts';
import type { DashboardWebhooks } from './dashboard-webhooks.ts';

export type AuthorizationRow = Row<'sandbox_plaid_transfer_authorizations'>;
export type TransferRow = Row<'sandbox_plaid_transfers'>;
export type RefundRow = Row<'sandbox_plaid_transfer_refunds'>;
export type EventRow = Row<'sandbox_plaid_transfer_events'>;
type NewEvent = Omit<NewRow<'sandbox_plaid_transfer_events'>, 'event_id' | 'plaid_client_id'>;

/** Plaid's webhook that new transfer events exist; it names none of them (read /transfer/event/sync). */
export const TRANSFER_EVENTS_UPDATE = {
  webhook_type: 'TRANSFER',
  webhook_code: 'TRANSFER_EVENTS_UPDATE',
  environment: 'sandbox',
} as const;

export const SANDBOX_RISK_DECLINE_CENTS = 12_345n;
export const SANDBOX_RETURN_ABOVE_CENTS = 5_000n;
export const AUTHORIZATION_TTL_MS = 3_600_000;
/** Plaid's Sandbox Ledgers start with $100 available. */
export const LEDGER_STARTING_CENTS = usdCents(10_000n);
const NETWORK_LIMIT_CENTS: Record<AchNetwork, UsdCents> = {
  ach: usdCents(1_000_000_000n),
  'same-day-ach': usdCents(100_000_000n),
};
const MAX_REFUNDS_PER_TRANSFER = 10;
const REFUND_WINDOW_MS = 180 * 86_400_000;
const EVENT_LOCK_KEY = 7_402_119_033;
const ADVANCE_BATCH = 100;
const ADVANCE_ROUNDS = 20;

export const RETURN_REASONS: Record<string, string> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account or unable to locate account',
  R04: 'Invalid account number',
  R05: 'Unauthorized debit to consumer account',
  R07: 'Authorization revoked by customer',
  R08: 'Payment stopped or stop payment on item',
  R09: 'Uncollected funds',
  R10: 'Customer advises not authorized',
  R11: 'Check truncation entry return',
  R16: 'Account frozen',
  R20: 'Non-transaction account',
  R29: 'Corporate customer advises not authorized',
};

export interface Failure {
  code: string | null;
  description: string;
}

export interface AuthorizeInput {
  item: ItemRow;
  accountId: string;
  type: string;
  network: string;
  achClass: string | null;
  amountCents: bigint;
  legalName: string;
  email: string | null;
  phone: string | null;
  idempotencyKey: string | null;
}

export interface CreateTransferInput {
  item: ItemRow;
  accountId: string;
  authorizationId: string;
  amountCents: bigint | null;
  description: string;
  metadata: Record<string, string> | null;
}

export interface TransferDeps {
  db: Db;
  clock: Clock;
  settlementBusinessDays: number;
  /** Plaid sends TRANSFER_EVENTS_UPDATE to the Transfer webhook set in its dashboard. */
  webhooks: DashboardWebhooks;
  log: Logger;
}

export class SandboxTransfers {
  constructor(private readonly deps: TransferDeps) {}

  private get db(): Db {
    return this.deps.db;
  }

  /** Queues one TRANSFER_EVENTS_UPDATE in `trx` (to `url`, else the dashboard's receiver). */
  private notify(trx: Executor, url?: string): Promise<void> {
    return this.deps.webhooks.send(trx, { ...TRANSFER_EVENTS_UPDATE }, url);
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  // ---- authorizations ----

  async authorize(plaidClientId: string, input: AuthorizeInput): Promise<AuthorizationRow> {
    if (input.type !== 'debit')
      throw plaidErrors.invalidField('type must be debit: this sandbox moves money from linked accounts only');
    if (input.network !== 'ach' && input.network !== 'same-day-ach')
      throw plaidErrors.invalidField('network must be ach or same-day-ach: this sandbox has no rtp, wire or rfp');
    if (input.achClass === null)
      throw plaidErrors.invalidField('ach_class is required for ach and same-day-ach transfers');
    if (input.amountCents > NETWORK_LIMIT_CENTS[input.network])
      throw transferErrors.networkLimit(input.network, formatUsd(NETWORK_LIMIT_CENTS[input.network]));
    if (input.idempotencyKey !== null) {
      const earlier = await this.authorizationByKey(plaidClientId, input.idempotencyKey);
      if (earlier) return sameAuthorization(earlier, input);
    }
    const now = this.now();
    const loginRequired = input.item.error_code === 'ITEM_LOGIN_REQUIRED';
    const risky = input.amountCents === SANDBOX_RISK_DECLINE_CENTS;
    const row: NewRow<'sandbox_plaid_transfer_authorizations'> = {
      id: randomUUID(),
      plaid_client_id: plaidClientId,
      // Plaid: idempotency does not apply to user_action_required decisions.
      idempotency_key: loginRequired ? null : input.idempotencyKey,
      item_id: input.item.item_id,
      account_id: input.accountId,
      type: 'debit',
      network: input.network,
      ach_class: input.achClass,
      amount_cents: input.amountCents,
      user_legal_name: input.legalName,
      user_email: input.email,
      user_phone: input.phone,
      decision: loginRequired ? 'user_action_required' : risky ? 'declined' : 'approved',
      rationale_code: loginRequired ? null : risky ? 'RISK' : null,
      rationale_description: risky
        ? 'Sandbox risk assessment declined the transfer (amount $123.45 is the risk-rejection test amount)'
        : null,
      created_at: now,
      expires_at: new Date(now.getTime() + AUTHORIZATION_TTL_MS),
    };
    const inserted = await this.db
      .insertInto('sandbox_plaid_transfer_authorizations')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['plaid_client_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    // Two requests with one key at once: the first one's authorization answers both.
    return sameAuthorization((await this.authorizationByKey(plaidClientId, input.idempotencyKey!))!, input);
  }

  private authorizationByKey(plaidClientId: string, key: string): Promise<AuthorizationRow | undefined> {
    return this.db
      .selectFrom('sandbox_plaid_transfer_authorizations')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  // ---- transfers ----

  async createTransfer(plaidClientId: string, input: CreateTransferInput): Promise<TransferRow> {
    const authorization = await this.db
      .selectFrom('sandbox_plaid_transfer_authorizations')
      .selectAll()
      .where('id', '=', input.authorizationId)
      .where('plaid_client_id', '=', plaidClientId)
      .executeTakeFirst();
    if (!authorization)
      throw plaidErrors.invalidField('authorization_id is not a transfer authorization of this client');
    // Idempotent on the authorization: the transfer it already made, whatever the clock says now.
    const existing = await this.transferByAuthorization(authorization.id);
    if (existing) return existing;
    checkUsable(authorization, input, this.now());
    const amount = input.amountCents ?? authorization.amount_cents;
    if (amount > authorization.amount_cents)
      throw plaidErrors.invalidField(`amount must not exceed the authorized ${formatUsd(authorization.amount_cents)}`);
    const now = this.now();
    const schedule = scheduleDebit(now, authorization.network as AchNetwork, this.deps.settlementBusinessDays);
    const returns = amount > SANDBOX_RETURN_ABOVE_CENTS;
    const row: NewRow<'sandbox_plaid_transfers'> = {
      id: randomUUID(),
      plaid_client_id: plaidClientId,
      authorization_id: authorization.id,
      item_id: authorization.item_id,
      account_id: authorization.account_id,
      type: 'debit',
      network: schedule.network,
      ach_class: authorization.ach_class,
      amount_cents: amount,
      description: input.description,
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      user_legal_name: authorization.user_legal_name,
      user_email: authorization.user_email,
      user_phone: authorization.user_phone,
      status: 'pending',
      sweep_status: 'unswept',
      planned_outcome: returns ? 'RETURN' : 'SETTLE',
      planned_return_code: returns ? 'R01' : null,
      posts_at: schedule.postsAt,
      settles_at: schedule.settlesAt,
      next_step_at: schedule.postsAt,
      expected_settlement_date: schedule.settlementDate,
      created_at: now,
      updated_at: now,
    };
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('sandbox_plaid_transfers')
        .values(row)
        .onConflict((oc) => oc.column('authorization_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) return undefined;
      await this.adjustLedger(trx, plaidClientId, { pending: amount });
      await this.appendEvents(trx, plaidClientId, [transferEvent(inserted, 'pending', now)]);
      await this.notify(trx);
      return inserted;
    });
    this.deps.webhooks.wake();
    return created ?? (await this.transferByAuthorization(authorization.id))!;
  }

  private transferByAuthorization(authorizationId: string): Promise<TransferRow | undefined> {
    return this.db
      .selectFrom('sandbox_plaid_transfers')
      .selectAll()
      .where('authorization_id', '=', authorizationId)
      .executeTakeFirst();
  }

  async transfer(plaidClientId: string, by: { transferId?: string; authorizationId?: string }): Promise<TransferRow> {
    let q = this.db.selectFrom('sandbox_plaid_transfers').selectAll().where('plaid_client_id', '=', plaidClientId);
    if (by.transferId !== undefined) q = q.where('id', '=', by.transferId);
    if (by.authorizationId !== undefined) q = q.where('authorization_id', '=', by.authorizationId);
    const row = await q.executeTakeFirst();
    if (!row)
      throw plaidErrors.invalidField('transfer_id (or authorization_id) does not name a transfer of this client');
    return row;
  }

  async listTransfers(
    plaidClientId: string,
    q: { start: Date | null; end: Date | null; count: number; offset: number },
  ): Promise<TransferRow[]> {
    let query = this.db.selectFrom('sandbox_plaid_transfers').selectAll().where('plaid_client_id', '=', plaidClientId);
    if (q.start) query = query.where('created_at', '>=', q.start);
    if (q.end) query = query.where('created_at', '<=', q.end);
    return query.orderBy('created_at', 'desc').orderBy('id').limit(q.count).offset(q.offset).execute();
  }

  async refundsOf(transferIds: string[]): Promise<Map<string, RefundRow[]>> {
    const map = new Map<string, RefundRow[]>();
    if (transferIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('sandbox_plaid_transfer_refunds')
      .selectAll()
      .where('transfer_id', 'in', transferIds)
      .orderBy('created_at')
      .execute();
    for (const r of rows) map.set(r.transfer_id, [...(map.get(r.transfer_id) ?? []), r]);
    return map;
  }

  // ---- the ledger and the event stream ----

  async ledger(trx: Executor, plaidClientId: string): Promise<{ available: UsdCents; pending: UsdCents }> {
    const row = await trx
      .selectFrom('sandbox_plaid_transfer_ledgers')
      .select(['available_cents', 'pending_cents'])
      .where('plaid_client_id', '=', plaidClientId)
      .executeTakeFirst();
    return { available: row?.available_cents ?? LEDGER_STARTING_CENTS, pending: row?.pending_cents ?? usdCents(0n) };
  }

  async adjustLedger(
    trx: Executor,
    plaidClientId: string,
    by: { available?: bigint; pending?: bigint },
  ): Promise<void> {
    const available = by.available ?? 0n;
    const pending = by.pending ?? 0n;
    await trx
      .insertInto('sandbox_plaid_transfer_ledgers')
      .values({
        plaid_client_id: plaidClientId,
        available_cents: LEDGER_STARTING_CENTS + available,
        pending_cents: pending,
        updated_at: this.now(),
      })
      .onConflict((oc) =>
        oc.column('plaid_client_id').doUpdateSet({
          available_cents: sql`sandbox_plaid_transfer_ledgers.available_cents + ${available}`,
          pending_cents: sql`sandbox_plaid_transfer_ledgers.pending_cents + ${pending}`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }

  /**
   * Appends events under a transaction-scoped lock: ids are handed out in commit order, so a reader
   * of /transfer/event/sync that has seen id N will never later find a smaller one. Call it last in
   * the transaction, to hold the lock briefly.
   */
  async appendEvents(trx: Executor, plaidClientId: string, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql`select pg_advisory_xact_lock(${EVENT_LOCK_KEY})`.execute(trx);
    const { last } = await trx
      .selectFrom('sandbox_plaid_transfer_events')
      .select(sql<string>`coalesce(max(event_id), 0)::text`.as('last'))
      .executeTakeFirstOrThrow();
    const first = BigInt(last) + 1n;
    await trx
      .insertInto('sandbox_plaid_transfer_events')
      .values(events.map((e, i) => ({ ...e, event_id: first + BigInt(i), plaid_client_id: plaidClientId })))
      .execute();
  }

  async syncEvents(
    plaidClientId: string,
    afterId: bigint,
    count: number,
  ): Promise<{ events: EventRow[]; hasMore: boolean }> {
    const rows = await this.db
      .selectFrom('sandbox_plaid_transfer_events')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId)
      .where('event_id', '>', afterId)
      .orderBy('event_id')
      .limit(count + 1)
      .execute();
    return { events: rows.slice(0, count), hasMore: rows.length > count };
  }

  async listEvents(
    plaidClientId: string,
    f: {
      start: Date | null;
      end: Date | null;
      transferId: string | null;
      accountId: string | null;
      transferType: string | null;
      eventTypes: string[];
      sweepId: string | null;
      count: number;
      offset: number;
    },
  ): Promise<{ events: EventRow[]; hasMore: boolean }> {
    let q = this.db
      .selectFrom('sandbox_plaid_transfer_events')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId);
    if (f.start) q = q.where('created_at', '>=', f.start);
    if (f.end) q = q.where('created_at', '<=', f.end);
    if (f.transferId) q = q.where('transfer_id', '=', f.transferId);
    if (f.accountId) q = q.where('account_id', '=', f.accountId);
    if (f.transferType) q = q.where('transfer_type', '=', f.transferType);
    if (f.eventTypes.length > 0) q = q.where('event_type', 'in', f.eventTypes);
    if (f.sweepId) q = q.where('sweep_id', '=', f.sweepId);
    // Plaid: when more events match than `count`, the most recent ones are returned.
    const rows = await q
      .orderBy('event_id', 'desc')
      .limit(f.count + 1)
      .offset(f.offset)
      .execute();
    return { events: rows.slice(0, f.count), hasMore: rows.length > f.count };
  }

  // ---- refunds ----

  async createRefund(
    plaidClientId: string,
    input: { transferId: string; amountCents: bigint; idempotencyKey: string },
  ): Promise<RefundRow> {
    const earlier = await this.refundByKey(plaidClientId, input.idempotencyKey);
    if (earlier) {
      if (earlier.transfer_id !== input.transferId || earlier.amount_cents !== input.amountCents)
        throw plaidErrors.invalidField('idempotency_key was already used for another refund');
      return earlier;
    }
    const transfer = await this.transfer(plaidClientId, { transferId: input.transferId });
    const now = this.now();
    if (['cancelled', 'failed', 'returned'].includes(transfer.status))
      throw plaidErrors.invalidField(`a ${transfer.status} transfer cannot be refunded`);
    if (now.getTime() - transfer.created_at.getTime() > REFUND_WINDOW_MS)
      throw plaidErrors.invalidField('a transfer can be refunded within 180 days of its creation');
    const settled = transfer.status === 'settled' || transfer.status === 'funds_available';
    const schedule = scheduleRefund(now, settled ? now : transfer.settles_at);
    const created = await this.db.transaction().execute(async (trx) => {
      await trx.selectFrom('sandbox_plaid_transfers').select('id').where('id', '=', transfer.id).forUpdate().execute();
      // The same key sent twice at once: the second waited for the lock above, and gets the first's
      // refund (Plaid's idempotency) instead of being refused because that refund now counts.
      if (await this.refundByKey(plaidClientId, input.idempotencyKey, trx)) return undefined;
      await this.checkRefundable(trx, plaidClientId, transfer, input.amountCents);
      const inserted = await trx
        .insertInto('sandbox_plaid_transfer_refunds')
        .values({
          id: randomUUID(),
          plaid_client_id: plaidClientId,
          transfer_id: transfer.id,
          idempotency_key: input.idempotencyKey,
          amount_cents: input.amountCents,
          status: 'pending',
          posts_at: schedule.postsAt,
          settles_at: schedule.settlesAt,
          next_step_at: schedule.postsAt,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['plaid_client_id', 'idempotency_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) return undefined;
      await this.adjustLedger(trx, plaidClientId, { available: -input.amountCents });
      await this.appendEvents(trx, plaidClientId, [refundEvent(transfer, inserted, 'refund.pending', now)]);
      await this.notify(trx);
      return inserted;
    });
    this.deps.webhooks.wake();
    return created ?? (await this.refundByKey(plaidClientId, input.idempotencyKey))!;
  }

  private async checkRefundable(trx: Executor, plaidClientId: string, transfer: TransferRow, cents: bigint) {
    const refunds = await trx
      .selectFrom('sandbox_plaid_transfer_refunds')
      .select(['amount_cents', 'status'])
      .where('transfer_id', '=', transfer.id)
      .execute();
    if (refunds.length >= MAX_REFUNDS_PER_TRANSFER)
      throw plaidErrors.invalidField('a transfer can have at most 10 refunds');
    const live = refunds.filter((r) => !['cancelled', 'failed', 'returned'].includes(r.status));
    const refunded = usdCents(live.reduce((sum, r) => sum + r.amount_cents, 0n));
    if (refunded + cents > transfer.amount_cents)
      throw plaidErrors.invalidField(
        `amount: the refunds of a transfer cannot exceed its amount (${formatUsd(transfer.amount_cents)}; already refunded ${formatUsd(refunded)})`,
      );
    const { available } = await this.ledger(trx, plaidClientId);
    if (available < cents) throw transferErrors.insufficientLedgerBalance(formatUsd(available));
  }

  private refundByKey(plaidClientId: string, key: string, db: Executor = this.db): Promise<RefundRow | undefined> {
    return db
      .selectFrom('sandbox_plaid_transfer_refunds')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  async refund(plaidClientId: string, refundId: string): Promise<RefundRow> {
    const row = await this.db
      .selectFrom('sandbox_plaid_transfer_refunds')
      .selectAll()
      .where('id', '=', refundId)
      .where('plaid_client_id', '=', plaidClientId)
      .executeTakeFirst();
    if (!row) throw plaidErrors.invalidField('refund_id does not name a refund of this client');
    return row;
  }

  // ---- moving transfers: the clock, and simulations ----

  /**
   * Moves every transfer and refund whose next step is due on the sandbox clock, each in its own
   * transaction, and queues one TRANSFER_EVENTS_UPDATE per client that got events. Safe to run in
   * several processes at once (rows are locked and moved conditionally). Returns the events written.
   */
  async advanceDue(): Promise<number> {
    await this.deps.clock.sync?.();
    let written = 0;
    for (let round = 0; round < ADVANCE_ROUNDS; round++) {
      const now = this.now();
      const transfers = await this.db
        .selectFrom('sandbox_plaid_transfers')
        .select('id')
        .where('next_step_at', '<=', now)
        .orderBy('next_step_at')
        .limit(ADVANCE_BATCH)
        .execute();
      const refunds = await this.db
        .selectFrom('sandbox_plaid_transfer_refunds')
        .select('id')
        .where('next_step_at', '<=', now)
        .orderBy('next_step_at')
        .limit(ADVANCE_BATCH)
        .execute();
      if (transfers.length === 0 && refunds.length === 0) break;
      for (const { id } of transfers) written += await this.advanceTransfer(id, now);
      for (const { id } of refunds) written += await this.advanceRefund(id, now);
    }
    if (written > 0) this.deps.webhooks.wake();
    return written;
  }

  private async advanceTransfer(id: string, now: Date): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const t = await trx
        .selectFrom('sandbox_plaid_transfers')
        .selectAll()
        .where('id', '=', id)
        .where('next_step_at', '<=', now)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!t) return 0;
      const events: NewEvent[] = [];
      let status = t.status;
      let ledger = { available: 0n, pending: 0n };
      if (status === 'pending' && t.posts_at <= now) {
        events.push(transferEvent(t, 'posted', t.posts_at));
        status = 'posted';
      }
      let next: Date | null = status === 'posted' ? t.settles_at : null;
      let failure: Failure | null = null;
      if (status === 'posted' && t.settles_at <= now) {
        next = null;
        if (t.planned_outcome === 'RETURN') {
          failure = {
            code: t.planned_return_code,
            description: RETURN_REASONS[t.planned_return_code ?? ''] ?? 'Returned',
          };
          events.push(transferEvent(t, 'returned', t.settles_at, failure));
          status = 'returned';
          ledger = { available: 0n, pending: -t.amount_cents };
        } else {
          events.push(transferEvent(t, 'settled', t.settles_at), transferEvent(t, 'funds_available', t.settles_at));
          status = 'funds_available';
          ledger = { available: t.amount_cents, pending: -t.amount_cents };
        }
      }
      await trx
        .updateTable('sandbox_plaid_transfers')
        .set({
          status,
          next_step_at: next,
          updated_at: now,
          ...(failure ? { failure_code: failure.code, failure_description: failure.description } : {}),
          ...(status === 'funds_available' ? { settled_on: newYorkTime(t.settles_at).date } : {}),
        })
        .where('id', '=', id)
        .execute();
      if (ledger.available !== 0n || ledger.pending !== 0n) await this.adjustLedger(trx, t.plaid_client_id, ledger);
      if (events.length > 0) await this.notify(trx);
      await this.appendEvents(trx, t.plaid_client_id, events);
      return events.length;
    });
  }

  private async advanceRefund(id: string, now: Date): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .selectFrom('sandbox_plaid_transfer_refunds')
        .selectAll()
        .where('id', '=', id)
        .where('next_step_at', '<=', now)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!r) return 0;
      const t = await trx
        .selectFrom('sandbox_plaid_transfers')
        .selectAll()
        .where('id', '=', r.transfer_id)
        .executeTakeFirstOrThrow();
      const events: NewEvent[] = [];
      let status = r.status;
      if (status === 'pending' && r.posts_at <= now) {
        events.push(refundEvent(t, r, 'refund.posted', r.posts_at));
        status = 'posted';
      }
      if (status === 'posted' && r.settles_at <= now) {
        events.push(refundEvent(t, r, 'refund.settled', r.settles_at));
        status = 'settled';
      }
      const next = status === 'pending' ? r.posts_at : status === 'posted' ? r.settles_at : null;
      await trx
        .updateTable('sandbox_plaid_transfer_refunds')
        .set({ status, next_step_at: next, updated_at: now })
        .where('id', '=', id)
        .execute();
      if (events.length > 0) await this.notify(trx);
      await this.appendEvents(trx, t.plaid_client_id, events);
      return events.length;
    });
  }

  /**
   * /sandbox/transfer/simulate: Plaid's transitions pending → posted | failed, posted → settled |
   * returned, settled → funds_available, and (onramp) settled | funds_available → returned: a late
   * return. The tester takes the transfer over: the clock no longer moves it.
   */
  async simulate(
    plaidClientId: string,
    transferId: string,
    eventType: string,
    failure: Failure | null,
    webhook: string | null,
  ): Promise<void> {
    const t = await this.transfer(plaidClientId, { transferId });
    const move = TRANSFER_SIMULATIONS[eventType];
    if (!move)
      throw plaidErrors.invalidField(`event_type must be one of ${Object.keys(TRANSFER_SIMULATIONS).join(', ')}`);
    if (!move.from.includes(t.status))
      throw plaidErrors.invalidField(`event_type ${eventType} is incompatible with the transfer's status ${t.status}`);
    const now = this.now();
    const reason =
      eventType === 'returned'
        ? {
            code: failure?.code ?? 'R01',
            description: failure?.description || (RETURN_REASONS[failure?.code ?? 'R01'] ?? 'Returned'),
          }
        : eventType === 'failed'
          ? { code: failure?.code ?? null, description: failure?.description || 'Sandbox simulated failure' }
          : null;
    await this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('sandbox_plaid_transfers')
        .set({
          status: move.to,
          next_step_at: null,
          updated_at: now,
          ...(reason ? { failure_code: reason.code, failure_description: reason.description } : {}),
          ...(move.to === 'settled' ? { settled_on: newYorkTime(now).date } : {}),
        })
        .where('id', '=', t.id)
        .where('status', '=', t.status)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) throw plaidErrors.invalidField('the transfer changed meanwhile; try again');
      await this.adjustLedger(trx, plaidClientId, ledgerEffect(t.status, move.to, t.amount_cents));
      if (webhook) await this.notify(trx, webhook);
      await this.appendEvents(trx, plaidClientId, [transferEvent(t, eventType, now, reason)]);
    });
    this.deps.webhooks.wake();
  }

  /** /sandbox/transfer/refund/simulate: pending → posted | failed, posted → settled | returned. */
  async simulateRefund(
    plaidClientId: string,
    refundId: string,
    eventType: string,
    failure: Failure | null,
    webhook: string | null,
  ): Promise<void> {
    const r = await this.refund(plaidClientId, refundId);
    const move = REFUND_SIMULATIONS[eventType];
    if (!move)
      throw plaidErrors.invalidField(`event_type must be one of ${Object.keys(REFUND_SIMULATIONS).join(', ')}`);
    if (!move.from.includes(r.status))
      throw plaidErrors.invalidField(`event_type ${eventType} is incompatible with the refund's status ${r.status}`);
    const t = await this.transfer(plaidClientId, { transferId: r.transfer_id });
    if (eventType === 'refund.posted' && !['settled', 'funds_available'].includes(t.status))
      throw plaidErrors.invalidField('refund.posted can be simulated only once the refunded transfer has settled');
    const now = this.now();
    const reason =
      move.to === 'failed' || move.to === 'returned'
        ? {
            code: failure?.code ?? (move.to === 'returned' ? 'R01' : null),
            description: failure?.description || 'Sandbox simulated refund failure',
          }
        : null;
    await this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('sandbox_plaid_transfer_refunds')
        .set({
          status: move.to,
          next_step_at: null,
          updated_at: now,
          ...(reason ? { failure_code: reason.code, failure_description: reason.description } : {}),
        })
        .where('id', '=', r.id)
        .where('status', '=', r.status)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) throw plaidErrors.invalidField('the refund changed meanwhile; try again');
      // A refund that did not go out puts its amount back in the Ledger's available balance.
      if (reason) await this.adjustLedger(trx, plaidClientId, { available: r.amount_cents });
      if (webhook) await this.notify(trx, webhook);
      await this.appendEvents(trx, plaidClientId, [refundEvent(t, r, eventType, now, reason)]);
    });
    this.deps.webhooks.wake();
  }

  /**
   * /sandbox/transfer/sweep/simulate: swept transfers become swept_settled, pending or posted unswept
   * ones swept, returned swept ones return_swept; the sweep's amount is the net. Undefined when
   * nothing was swept.
   */
  async simulateSweep(plaidClientId: string, webhook: string | null) {
    const now = this.now();
    const sweep = await this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('sandbox_plaid_transfers')
        .selectAll()
        .where('plaid_client_id', '=', plaidClientId)
        .where((eb) =>
          eb.or([
            eb('sweep_status', '=', 'swept'),
            eb.and([eb('sweep_status', '=', 'unswept'), eb('status', 'in', ['pending', 'posted'])]),
          ]),
        )
        .orderBy('created_at')
        .forUpdate()
        .execute();
      if (rows.length === 0) return undefined;
      const sweepId = randomUUID();
      const events: NewEvent[] = [];
      let net = 0n;
      for (const t of rows) {
        const to = sweepMove(t);
        const signed = to === 'return_swept' ? -t.amount_cents : to === 'swept' ? t.amount_cents : 0n;
        net += signed;
        events.push({
          ...transferEvent(t, to, now),
          sweep_id: sweepId,
          sweep_amount_cents: signed === 0n ? null : signed,
        });
        await trx
          .updateTable('sandbox_plaid_transfers')
          .set({ sweep_status: to, updated_at: now })
          .where('id', '=', t.id)
          .execute();
      }
      const sweep = await trx
        .insertInto('sandbox_plaid_transfer_sweeps')
        .values({
          id: sweepId,
          plaid_client_id: plaidClientId,
          amount_cents: net,
          created_at: now,
          settled_on: newYorkTime(now).date,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (webhook) await this.notify(trx, webhook);
      await this.appendEvents(trx, plaidClientId, events);
      return sweep;
    });
    this.deps.webhooks.wake();
    return sweep;
  }

  /** /sandbox/transfer/fire_webhook: one TRANSFER_EVENTS_UPDATE to `url`. */
  async fireWebhook(url: string): Promise<void> {
    await this.db.transaction().execute((trx) => this.notify(trx, url));
    this.deps.webhooks.wake();
  }
}

function sameAuthorization(row: AuthorizationRow, input: AuthorizeInput): AuthorizationRow {
  const same =
    row.account_id === input.accountId &&
    row.amount_cents === input.amountCents &&
    row.network === input.network &&
    row.type === input.type;
  if (!same) throw plaidErrors.invalidField('idempotency_key was already used for another authorization');
  return row;
}

/** An authorization /transfer/create may use: approved, unexpired, for the same account. */
function checkUsable(a: AuthorizationRow, input: CreateTransferInput, now: Date): void {
  if (a.decision !== 'approved')
    throw plaidErrors.invalidField(
      `authorization_id was ${a.decision}: only an approved authorization makes a transfer`,
    );
  if (a.expires_at <= now)
    throw plaidErrors.invalidField(
      'authorization_id has expired: authorizations expire one hour after they are created',
    );
  if (a.item_id !== input.item.item_id || a.account_id !== input.accountId)
    throw plaidErrors.invalidField('access_token and account_id must be the ones the authorization was made for');
}

const TRANSFER_SIMULATIONS: Record<string, { from: SandboxTransferStatus[]; to: SandboxTransferStatus }> = {
  posted: { from: ['pending'], to: 'posted' },
  failed: { from: ['pending'], to: 'failed' },
  settled: { from: ['posted'], to: 'settled' },
  funds_available: { from: ['settled'], to: 'funds_available' },
  returned: { from: ['posted', 'settled', 'funds_available'], to: 'returned' },
};

const REFUND_SIMULATIONS: Record<string, { from: RefundRow['status'][]; to: RefundRow['status'] }> = {
  'refund.posted': { from: ['pending'], to: 'posted' },
  'refund.failed': { from: ['pending'], to: 'failed' },
  'refund.settled': { from: ['posted'], to: 'settled' },
  'refund.returned': { from: ['posted'], to: 'returned' },
};

/** What a status change does to the Plaid Ledger: a debit is pending until its funds are available. */
function ledgerEffect(from: SandboxTransferStatus, to: SandboxTransferStatus, cents: bigint) {
  if (to === 'funds_available') return { available: cents, pending: -cents };
  if (to === 'failed' || to === 'returned')
    return from === 'funds_available' ? { available: -cents } : { pending: -cents };
  return {};
}

function sweepMove(t: TransferRow): 'swept' | 'swept_settled' | 'return_swept' {
  if (t.sweep_status === 'unswept') return 'swept';
  return t.status === 'returned' ? 'return_swept' : 'swept_settled';
}

function transferEvent(t: TransferRow, type: string, at: Date, failure: Failure | null = null): NewEvent {
  return {
    event_type: type,
    transfer_id: t.id,
    account_id: t.account_id,
    transfer_type: t.type,
    transfer_amount_cents: t.amount_cents,
    event_amount_cents: t.amount_cents,
    refund_id: null,
    sweep_id: null,
    sweep_amount_cents: null,
    failure_code: failure?.code ?? null,
    failure_description: failure?.description ?? null,
    created_at: at,
  };
}

function refundEvent(t: TransferRow, r: RefundRow, type: string, at: Date, failure: Failure | null = null): NewEvent {
  return {
    ...transferEvent(t, type, at, failure),
    transfer_amount_cents: r.amount_cents,
    event_amount_cents: r.amount_cents,
    refund_id: r.id,
  };
}
