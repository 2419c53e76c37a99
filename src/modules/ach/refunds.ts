// Refunding a settled debit through /transfer/refund/create. The intent (an ach_refunds row in
// REQUESTING, its id the idempotency key) is recorded before the call, so a retry after a crash asks
// Plaid for the same refund and never makes a second one. One refund per debit is live at a time; a
// failed or returned one may be followed by a new attempt (the operator decides).
import type { Db } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';
import type { Clock } from '../../lib/clock.ts';
import { type AchProvider, AchProviderError } from '../../providers/ach/types.ts';
import type { AchRefundStatus } from './tables.ts';

export interface AchRefundView {
  /** onramp's id for the refund (also Plaid's idempotency key). */
  id: string;
  debitId: string;
  attempt: number;
  amountCents: bigint;
  status: AchRefundStatus;
  providerRef: string | null;
}

/** Plaid refused the refund (4xx): nothing was refunded. The refund row is FAILED with the code. */
export class AchRefundRefusedError extends Error {
  constructor(
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'AchRefundRefusedError';
  }
}

const LIVE: AchRefundStatus[] = ['REQUESTING', 'PENDING', 'POSTED', 'SETTLED'];
const MAX_ATTEMPTS = 10;

export interface RefundDeps {
  db: Db;
  clock: Clock;
  provider: AchProvider;
}

export async function refundDebit(
  deps: RefundDeps,
  request: { debitId: string; amountCents: bigint },
): Promise<AchRefundView> {
  const debit = await deps.db.selectFrom('ach_debits').selectAll().where('id', '=', request.debitId).executeTakeFirst();
  if (!debit?.provider_ref || debit.status !== 'SETTLED')
    throw new Error(`ACH debit ${request.debitId} is ${debit?.status ?? 'unknown'}: only a settled debit is refunded`);
  if (request.amountCents <= 0n || request.amountCents > debit.amount_cents)
    throw new Error(`a refund of debit ${debit.id} must be 0.01 to its amount`);
  const refund = await liveOrNew(deps, debit.id, request.amountCents);
  if (refund.status !== 'REQUESTING') return view(refund);
  let answer: { refundId: string; status: string };
  try {
    answer = await deps.provider.refund({
      transferId: debit.provider_ref,
      amountCents: refund.amount_cents,
      idempotencyKey: refund.id,
    });
  } catch (error) {
    if (!(error instanceof AchProviderError) || error.kind !== 'REFUSED') throw error;
    const failed = await resolve(deps, refund.id, {
      status: 'FAILED',
      failure_code: error.code,
      failure_description: error.message,
    });
    // Another caller's request for this same attempt went through meanwhile (the CLI and the purchase
    // job at once): this refusal is about the duplicate, not the refund, which is not failed.
    if (!failed) return view(await read(deps.db, refund.id));
    throw new AchRefundRefusedError(error.code, error.message);
  }
  await deps.db
    .updateTable('ach_refunds')
    .set({ status: 'PENDING', provider_ref: answer.refundId, updated_at: deps.clock.now() })
    .where('id', '=', refund.id)
    .where('status', '=', 'REQUESTING')
    .execute();
  return view(await read(deps.db, refund.id));
}

async function liveOrNew(deps: RefundDeps, debitId: string, amountCents: bigint) {
  const live = await deps.db
    .selectFrom('ach_refunds')
    .selectAll()
    .where('debit_id', '=', debitId)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  if (live) return live;
  const last = await deps.db
    .selectFrom('ach_refunds')
    .select((eb) => eb.fn.max('attempt').as('attempt'))
    .where('debit_id', '=', debitId)
    .executeTakeFirst();
  const attempt = (last?.attempt ?? 0) + 1;
  if (attempt > MAX_ATTEMPTS) throw new Error(`ACH debit ${debitId} has had ${MAX_ATTEMPTS} refund attempts`);
  const now = deps.clock.now();
  await deps.db
    .insertInto('ach_refunds')
    .values({
      id: newId(),
      debit_id: debitId,
      attempt,
      amount_cents: amountCents,
      status: 'REQUESTING',
      created_at: now,
      updated_at: now,
    })
    // Two requests at once: the unique live index lets one in; both go on with it.
    .onConflict((oc) => oc.doNothing())
    .execute();
  return deps.db
    .selectFrom('ach_refunds')
    .selectAll()
    .where('debit_id', '=', debitId)
    .where('status', 'in', LIVE)
    .executeTakeFirstOrThrow();
}

async function resolve(
  deps: RefundDeps,
  id: string,
  set: { status: AchRefundStatus; failure_code: string | null; failure_description: string | null },
): Promise<boolean> {
  const now = deps.clock.now();
  const result = await deps.db
    .updateTable('ach_refunds')
    .set({ ...set, updated_at: now, resolved_at: now })
    .where('id', '=', id)
    .where('status', '=', 'REQUESTING')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

async function read(db: Db, id: string) {
  return db.selectFrom('ach_refunds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function view(row: Awaited<ReturnType<typeof read>>): AchRefundView {
  return {
    id: row.id,
    debitId: row.debit_id,
    attempt: row.attempt,
    amountCents: row.amount_cents,
    status: row.status,
    providerRef: row.provider_ref,
  };
}
