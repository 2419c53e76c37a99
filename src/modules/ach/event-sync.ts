// Following Plaid's transfer event stream (/transfer/event/sync) into ach_events, and applying each
// event once:
//
//   pull    pages of events after the stored cursor; each page's events and the new cursor commit
//           together (a crash re-reads the page; the event id primary key drops the repeats)
//   apply   due events in event order; each in its own transaction with everything it causes: the
//           debit's or refund's conditional move, every ctx.ach.onUpdate subscriber, applied_at. A
//           subscriber that throws rolls it back; the event waits (backing off) and only the later
//           events of the same transfer wait with it.
//
// An event for a transfer no debit records yet (this process died between /transfer/create and
// recording it) is matched through the transfer's metadata.onramp_debit_id; one that is not onramp's
// is kept as ignored.
import { type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { failureLevel } from '../../lib/invariant.ts';
import { type AchEvent, type AchProvider, AchProviderError, RETURN_CODES } from '../../providers/ach/types.ts';
import type { AchConfig } from './config.ts';
import { attachTransfer } from './originate.ts';
import type { AchDebitRow, AchUpdate, AchUpdateHandler, SettlementRun } from './index.ts';
import type { AchEventsTable, AchRefundStatus } from './tables.ts';
import type { TransferEventType } from 'plaid';

type EventRow = Selectable<AchEventsTable>;

export interface SyncDeps {
  db: Db;
  clock: Clock;
  provider: AchProvider;
  config: AchConfig;
  log: Logger;
  handlers: AchUpdateHandler[];
}

const PAGE = 500;
const MAX_PAGES = 20;
const APPLY_BATCH = 200;
const APPLY_ROUNDS = 25;
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;

export async function pullEvents(deps: SyncDeps): Promise<number> {
  let pulled = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const after = await cursor(deps);
    const { events, hasMore } = await deps.provider.events(after, PAGE);
    if (events.length > 0) await storePage(deps, after, events);
    pulled += events.length;
    if (!hasMore || events.length === 0) break;
  }
  return pulled;
}

async function cursor(deps: SyncDeps): Promise<bigint> {
  const row = await deps.db
    .selectFrom('ach_event_cursors')
    .select('after_id')
    .where('provider', '=', deps.provider.name)
    .executeTakeFirst();
  return row?.after_id ?? 0n;
}

async function storePage(deps: SyncDeps, after: bigint, events: AchEvent[]): Promise<void> {
  const now = deps.clock.now();
  // bigint ids: Math.max does not take them.
  let last = after;
  for (const e of events) if (e.eventId > last) last = e.eventId;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('ach_events')
      .values(
        events.map((e) => ({
          provider: deps.provider.name,
          event_id: e.eventId,
          event_type: e.type,
          transfer_id: e.transferId,
          refund_id: e.refundId,
          sweep_id: e.sweepId,
          occurred_at: e.at,
          amount_cents: e.amountCents,
          failure_code: e.failureCode,
          failure_description: e.failureDescription,
          payload: JSON.stringify(e.raw),
          received_at: now,
          next_attempt_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .execute();
    // Another process may have gone further meanwhile: the cursor only moves forward.
    await trx
      .insertInto('ach_event_cursors')
      .values({ provider: deps.provider.name, after_id: last, updated_at: now })
      .onConflict((oc) =>
        oc.column('provider').doUpdateSet({
          after_id: sql`greatest(ach_event_cursors.after_id, excluded.after_id)`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  });
}

type Applied = 'SETTLED' | 'RETURNED' | 'APPLIED' | 'WAITING' | 'FAILED';

/** Applies the due events. Safe in several processes at once (rows locked, moves conditional). */
export async function applyDueEvents(deps: SyncDeps): Promise<SettlementRun> {
  const run: SettlementRun = { settled: 0, returned: 0, stillPending: 0 };
  const seen = new Set<string>();
  for (let round = 0; round < APPLY_ROUNDS; round++) {
    const due = await deps.db
      .selectFrom('ach_events')
      .selectAll()
      .where('provider', '=', deps.provider.name)
      .where('applied_at', 'is', null)
      .where('next_attempt_at', '<=', deps.clock.now())
      .orderBy('event_id')
      .limit(APPLY_BATCH)
      .execute();
    const fresh = due.filter((e) => !seen.has(e.event_id.toString()));
    if (fresh.length === 0) break;
    for (const event of fresh) {
      seen.add(event.event_id.toString());
      const outcome = await applyOne(deps, event);
      if (outcome === 'SETTLED') run.settled++;
      else if (outcome === 'RETURNED') run.returned++;
      else if (outcome === 'FAILED') run.stillPending++;
    }
  }
  return run;
}

async function applyOne(deps: SyncDeps, event: EventRow): Promise<Applied> {
  try {
    if (await earlierUnapplied(deps, event)) return 'WAITING';
    if (event.transfer_id !== '' && !(await recognised(deps, event))) await recover(deps, event);
    return await deps.db.transaction().execute((trx) => applyInTransaction(deps, trx, event));
  } catch (error) {
    const attempts = event.attempts + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    // A broken invariant in a subscriber (lib/invariant.ts) is a bug the retries will not mend: fatal.
    deps.log[failureLevel(error)](
      {
        err: error,
        eventId: event.event_id.toString(),
        eventType: event.event_type,
        transferId: event.transfer_id,
        attempts,
      },
      'ACH event could not be applied (an ACH update subscriber failed or Plaid was unreachable); it is rolled back and retried later',
    );
    await deps.db
      .updateTable('ach_events')
      .set({
        attempts,
        next_attempt_at: new Date(deps.clock.now().getTime() + delay),
        last_error: error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500),
      })
      .where('provider', '=', event.provider)
      .where('event_id', '=', event.event_id)
      .where('applied_at', 'is', null)
      .execute();
    return 'FAILED';
  }
}

/** Events of one transfer apply in order: a later one waits for an earlier one still unapplied. */
async function earlierUnapplied(deps: SyncDeps, event: EventRow): Promise<boolean> {
  if (event.transfer_id === '') return false;
  const earlier = await deps.db
    .selectFrom('ach_events')
    .select('event_id')
    .where('provider', '=', event.provider)
    .where('transfer_id', '=', event.transfer_id)
    .where('applied_at', 'is', null)
    .where('event_id', '<', event.event_id)
    .limit(1)
    .executeTakeFirst();
  return earlier !== undefined;
}

async function recognised(deps: SyncDeps, event: EventRow): Promise<boolean> {
  const debit = await deps.db
    .selectFrom('ach_debits')
    .select('id')
    .where('provider_ref', '=', event.transfer_id)
    .executeTakeFirst();
  return debit !== undefined;
}

/** A transfer created but not recorded (a crash in between): its metadata names the debit. Outside any transaction. */
async function recover(deps: SyncDeps, event: EventRow): Promise<void> {
  let transfer: Awaited<ReturnType<AchProvider['getTransfer']>>;
  try {
    transfer = await deps.provider.getTransfer(event.transfer_id);
  } catch (error) {
    // Refused: not a transfer Plaid shows this client; applying below marks the event ignored.
    if (error instanceof AchProviderError && error.kind === 'REFUSED') return;
    throw error;
  }
  const debitId = transfer.metadata?.onramp_debit_id;
  if (!debitId) return;
  if (await attachTransfer(deps, debitId, transfer, deps.config.settlementBusinessDays))
    deps.log.warn(
      { achDebitId: debitId, transferId: transfer.transferId },
      'recovered a Plaid transfer its debit had not recorded',
    );
}

async function applyInTransaction(deps: SyncDeps, trx: Tx, event: EventRow): Promise<Applied> {
  const locked = await trx
    .selectFrom('ach_events')
    .select('event_id')
    .where('provider', '=', event.provider)
    .where('event_id', '=', event.event_id)
    .where('applied_at', 'is', null)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!locked) return 'WAITING'; // another worker has it, or applied it
  const result = event.refund_id
    ? await applyRefundEvent(deps, trx, event)
    : await applyTransferEvent(deps, trx, event);
  await trx
    .updateTable('ach_events')
    .set({ applied_at: deps.clock.now(), outcome: result.outcome, last_error: null })
    .where('provider', '=', event.provider)
    .where('event_id', '=', event.event_id)
    .execute();
  return result.applied;
}

interface Result {
  applied: Applied;
  outcome: string;
}

const noChange = (why: string): Result => ({ applied: 'APPLIED', outcome: why });

async function debitOf(trx: Tx, transferId: string): Promise<AchDebitRow | undefined> {
  return trx.selectFrom('ach_debits').selectAll().where('provider_ref', '=', transferId).forUpdate().executeTakeFirst();
}

async function applyTransferEvent(deps: SyncDeps, trx: Tx, event: EventRow): Promise<Result> {
  if (event.transfer_id === '') return noChange('ignored: a ledger sweep event');
  const debit = await debitOf(trx, event.transfer_id);
  if (!debit) return noChange('ignored: not an onramp transfer');
  const move: DebitMove | undefined = (TRANSFER_EVENT_MOVES as Record<string, DebitMove>)[event.event_type];
  if (!move) return noChange(`ignored: event type ${event.event_type.slice(0, 40)}`);
  if (move.to === null) return noChange(`recorded: ${event.event_type}`);
  if (!move.from.includes(debit.status)) return noChange(`no change: the debit is already ${debit.status}`);
  const afterSettlement = move.to === 'RETURNED' && debit.status === 'SETTLED';
  const now = deps.clock.now();
  await trx
    .updateTable('ach_debits')
    .set({
      status: move.to,
      updated_at: now,
      ...(move.to === 'SETTLED' ? { settled_at: event.occurred_at, resolved_at: event.occurred_at } : {}),
      ...(move.to === 'RETURNED' || move.to === 'FAILED'
        ? {
            return_code: event.failure_code,
            failure_description: event.failure_description,
            returned_after_settlement: afterSettlement,
            resolved_at: event.occurred_at,
          }
        : {}),
    })
    .where('id', '=', debit.id)
    .where('status', '=', debit.status)
    .execute();
  const to = move.to;
  if (to !== 'SETTLED' && to !== 'RETURNED' && to !== 'FAILED') return { applied: 'APPLIED', outcome: to };
  const update: AchUpdate = {
    id: debit.id,
    status: to,
    amountCents: debit.amount_cents,
    providerRef: debit.provider_ref!,
    at: event.occurred_at,
    ...(to === 'SETTLED' ? {} : failureOf(event, afterSettlement)),
  };
  for (const handler of deps.handlers) await handler(update, trx);
  return {
    applied: to === 'SETTLED' ? 'SETTLED' : 'RETURNED',
    outcome: afterSettlement ? 'RETURNED after settlement' : to,
  };
}

function failureOf(event: EventRow, afterSettlement: boolean) {
  const code = event.failure_code ?? undefined;
  return {
    afterSettlement,
    ...(code ? { returnCode: code } : {}),
    returnReason: event.failure_description || (code ? RETURN_CODES[code] : undefined) || 'Failed',
  };
}

type DebitMove = { from: AchDebitRow['status'][]; to: AchDebitRow['status'] | null };

/**
 * Every Plaid transfer event type (plaid's TransferEventType) and what it does to a debit; `to: null`
 * records the event and moves nothing (funds_available, sweeps, guarantees, recoveries, refund events
 * are handled by refund id before this table is read).
 */
const TRANSFER_EVENT_MOVES = {
  pending: { from: ['AUTHORIZING', 'AUTHORIZED'], to: 'PENDING' },
  // Submitted to the network: no longer cancellable, still not money. Recorded, the debit stays PENDING.
  posted: { from: [], to: null },
  settled: { from: ['PENDING'], to: 'SETTLED' },
  funds_available: { from: [], to: null },
  returned: { from: ['PENDING', 'SETTLED'], to: 'RETURNED' },
  failed: { from: ['PENDING'], to: 'FAILED' },
  cancelled: { from: ['PENDING'], to: 'FAILED' },
  guaranteed: { from: [], to: null },
  guarantee_reimbursed: { from: [], to: null },
  client_return_recovered: { from: [], to: null },
  plaid_return_recovered: { from: [], to: null },
  swept: { from: [], to: null },
  swept_settled: { from: [], to: null },
  return_swept: { from: [], to: null },
  'sweep.pending': { from: [], to: null },
  'sweep.posted': { from: [], to: null },
  'sweep.settled': { from: [], to: null },
  'sweep.returned': { from: [], to: null },
  'sweep.failed': { from: [], to: null },
  'sweep.funds_available': { from: [], to: null },
  'refund.pending': { from: [], to: null },
  'refund.cancelled': { from: [], to: null },
  'refund.failed': { from: [], to: null },
  'refund.posted': { from: [], to: null },
  'refund.settled': { from: [], to: null },
  'refund.returned': { from: [], to: null },
  'refund.swept': { from: [], to: null },
  'refund.return_swept': { from: [], to: null },
} satisfies Record<`${TransferEventType}`, DebitMove>;

type RefundMove = { from: AchRefundStatus[]; to: AchRefundStatus | null };

const REFUND_EVENT_MOVES: Record<string, RefundMove> = {
  'refund.pending': { from: ['REQUESTING'], to: 'PENDING' },
  'refund.posted': { from: ['REQUESTING', 'PENDING'], to: 'POSTED' },
  'refund.settled': { from: ['REQUESTING', 'PENDING', 'POSTED'], to: 'SETTLED' },
  'refund.failed': { from: ['REQUESTING', 'PENDING', 'POSTED'], to: 'FAILED' },
  'refund.cancelled': { from: ['REQUESTING', 'PENDING', 'POSTED'], to: 'CANCELLED' },
  'refund.returned': { from: ['PENDING', 'POSTED', 'SETTLED'], to: 'RETURNED' },
};

async function applyRefundEvent(deps: SyncDeps, trx: Tx, event: EventRow): Promise<Result> {
  const debit = await debitOf(trx, event.transfer_id);
  if (!debit) return noChange('ignored: a refund of a transfer onramp did not make');
  let refund = await trx
    .selectFrom('ach_refunds')
    .selectAll()
    .where('provider_ref', '=', event.refund_id)
    .forUpdate()
    .executeTakeFirst();
  // A refund created but not recorded (a crash in between): the debit's refund still being requested.
  refund ??= await trx
    .selectFrom('ach_refunds')
    .selectAll()
    .where('debit_id', '=', debit.id)
    .where('status', '=', 'REQUESTING')
    .forUpdate()
    .executeTakeFirst();
  if (!refund) return noChange('ignored: a refund onramp did not request');
  const move = REFUND_EVENT_MOVES[event.event_type];
  if (!move?.to) return noChange(`recorded: ${event.event_type}`);
  if (!move.from.includes(refund.status)) return noChange(`no change: the refund is already ${refund.status}`);
  const now = deps.clock.now();
  const final = move.to === 'SETTLED' || move.to === 'FAILED' || move.to === 'RETURNED' || move.to === 'CANCELLED';
  await trx
    .updateTable('ach_refunds')
    .set({
      status: move.to,
      provider_ref: event.refund_id,
      updated_at: now,
      ...(final ? { resolved_at: event.occurred_at } : {}),
      ...(event.failure_code || event.failure_description
        ? { failure_code: event.failure_code, failure_description: event.failure_description }
        : {}),
    })
    .where('id', '=', refund.id)
    .where('status', '=', refund.status)
    .execute();
  if (!final) return { applied: 'APPLIED', outcome: `refund ${move.to}` };
  const update: AchUpdate = {
    id: debit.id,
    status: move.to === 'SETTLED' ? 'REFUND_SETTLED' : 'REFUND_FAILED',
    amountCents: refund.amount_cents,
    providerRef: debit.provider_ref!,
    refundId: refund.id,
    at: event.occurred_at,
    ...(move.to === 'SETTLED' ? {} : { returnReason: event.failure_description || `refund ${move.to.toLowerCase()}` }),
    ...(event.failure_code ? { returnCode: event.failure_code } : {}),
  };
  for (const handler of deps.handlers) await handler(update, trx);
  return { applied: 'APPLIED', outcome: `refund ${move.to}` };
}
