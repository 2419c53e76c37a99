// Originating a debit on Plaid Transfer, one recorded step at a time, so a crash anywhere leaves at
// most one transfer:
//
//   (no row)     → AUTHORIZING   the intent, before any call
//   AUTHORIZING  → AUTHORIZED    /transfer/authorization/create, idempotency_key `<debit id>:<attempt>`
//                → DECLINED      declined, user_action_required, or refused by Plaid (4xx)
//   AUTHORIZED   → PENDING       /transfer/create, idempotent on the authorization id
//
// A retry after a crash repeats the step it stopped at with the same key, and Plaid answers the same
// authorization or transfer. An authorization expires unused after an hour: a 4xx from /transfer/create
// (which proves no transfer was made) for an authorization older than that starts attempt n + 1.
import type { Logger } from 'pino';
import type { Db } from '../../db/index.ts';
import { addBusinessDays, businessDayOnOrAfter, newYorkTime } from '../../lib/business-days.ts';
import type { Clock } from '../../lib/clock.ts';
import { type AchProvider, AchProviderError, type AchSpeed } from '../../providers/ach/types.ts';
import type { AchConfig, AchNetwork } from './config.ts';
import type { AchDebitRow } from './index.ts';

export interface AchDebitRequest {
  /** The debit's id (the purchase's): every idempotency key at Plaid derives from it. */
  id: string;
  amountCents: bigint;
  speed: AchSpeed;
  /** The linked Item's access token and account (decrypted by the caller: never log them). */
  accessToken: string;
  accountId: string;
  /** The account holder's legal name (the KYC'd user). */
  legalName: string;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface AchOrigination {
  providerRef: string;
  network: AchNetwork;
  /** The New York business date ('YYYY-MM-DD') the debit is expected to settle. */
  expectedSettlementDate: string;
}

export type AchRejectReason = 'DECLINED' | 'USER_ACTION_REQUIRED' | 'REFUSED';

/** Nothing was debited: Plaid declined the authorization, needs the user to act, or refused the request. */
export class AchDebitRejectedError extends Error {
  constructor(
    readonly reason: AchRejectReason,
    /** Plaid's rationale code (RISK, NSF, …) or error code. */
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'AchDebitRejectedError';
  }
}

export interface OriginateDeps {
  db: Db;
  clock: Clock;
  provider: AchProvider;
  config: AchConfig;
  log: Logger;
}

/** Plaid authorizations expire unused after an hour. */
export const AUTHORIZATION_TTL_MS = 3_600_000;
const MAX_ATTEMPTS = 5;
const MAX_STEPS = 6;

export async function originate(deps: OriginateDeps, request: AchDebitRequest): Promise<AchOrigination> {
  let debit = await recordIntent(deps, request);
  for (let step = 0; step < MAX_STEPS; step++) {
    switch (debit.status) {
      case 'DECLINED':
        throw rejection(debit);
      case 'AUTHORIZING':
        debit = await authorize(deps, debit, request);
        break;
      case 'AUTHORIZED':
        debit = await createTransfer(deps, debit, request);
        break;
      default:
        return origination(debit);
    }
  }
  throw new Error(`ACH debit ${request.id} did not reach Plaid in ${MAX_STEPS} steps`);
}

async function read(db: Db, id: string): Promise<AchDebitRow> {
  return db.selectFrom('ach_debits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The AUTHORIZING row, before anything is sent; an existing debit must have the same terms. */
async function recordIntent(deps: OriginateDeps, request: AchDebitRequest): Promise<AchDebitRow> {
  const now = deps.clock.now();
  await deps.db
    .insertInto('ach_debits')
    .values({
      id: request.id,
      provider: deps.provider.name,
      amount_cents: request.amountCents,
      speed: request.speed,
      status: 'AUTHORIZING',
      network: deps.config.networks[request.speed],
      ach_class: deps.config.achClass,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const debit = await read(deps.db, request.id);
  if (debit.amount_cents !== request.amountCents || debit.speed !== request.speed)
    throw new Error(`ACH debit ${request.id} was originated with other terms`);
  return debit;
}

function rejection(debit: AchDebitRow): AchDebitRejectedError {
  return new AchDebitRejectedError(
    debit.decline_reason ?? 'REFUSED',
    debit.decision_code,
    debit.decision_description ?? 'The debit was not authorized',
  );
}

async function authorize(deps: OriginateDeps, debit: AchDebitRow, request: AchDebitRequest): Promise<AchDebitRow> {
  let answer: Awaited<ReturnType<AchProvider['authorize']>>;
  try {
    answer = await deps.provider.authorize({
      idempotencyKey: `${debit.id}:${debit.authorization_attempt}`,
      accessToken: request.accessToken,
      accountId: request.accountId,
      amountCents: debit.amount_cents,
      network: (debit.network as AchNetwork | null) ?? deps.config.networks[debit.speed],
      achClass: deps.config.achClass,
      legalName: request.legalName,
      email: request.email,
      phone: request.phone,
    });
  } catch (error) {
    if (error instanceof AchProviderError && error.kind === 'REFUSED')
      return decide(deps, debit, {
        status: 'DECLINED',
        reason: 'REFUSED',
        code: error.code,
        description: error.message,
      });
    throw error;
  }
  if (answer.decision === 'approved')
    return decide(deps, debit, {
      status: 'AUTHORIZED',
      authorizationId: answer.authorizationId,
      // Non-null on an approval: Plaid could not run its risk check (recorded for support).
      code: answer.rationale?.code ?? null,
      description: answer.rationale?.description ?? null,
    });
  const userAction = answer.decision === 'user_action_required';
  return decide(deps, debit, {
    status: 'DECLINED',
    reason: userAction ? 'USER_ACTION_REQUIRED' : 'DECLINED',
    authorizationId: answer.authorizationId,
    code: userAction ? null : (answer.rationale?.code ?? null),
    description: userAction
      ? 'Plaid needs the user to act first (usually to log in to the bank again through Link update mode)'
      : (answer.rationale?.description ?? 'Plaid declined the transfer'),
  });
}

async function decide(
  deps: OriginateDeps,
  debit: AchDebitRow,
  to: {
    status: 'AUTHORIZED' | 'DECLINED';
    reason?: AchRejectReason;
    authorizationId?: string;
    code: string | null;
    description: string | null;
  },
): Promise<AchDebitRow> {
  const now = deps.clock.now();
  await deps.db
    .updateTable('ach_debits')
    .set({
      status: to.status,
      authorization_id: to.authorizationId ?? null,
      decline_reason: to.reason ?? null,
      decision_code: to.code,
      decision_description: to.description,
      updated_at: now,
      ...(to.status === 'DECLINED' ? { resolved_at: now } : {}),
    })
    .where('id', '=', debit.id)
    .where('status', '=', 'AUTHORIZING')
    .where('authorization_attempt', '=', debit.authorization_attempt)
    .execute();
  return read(deps.db, debit.id);
}

async function createTransfer(deps: OriginateDeps, debit: AchDebitRow, request: AchDebitRequest): Promise<AchDebitRow> {
  let transfer: Awaited<ReturnType<AchProvider['createTransfer']>>;
  try {
    transfer = await deps.provider.createTransfer({
      authorizationId: debit.authorization_id!,
      accessToken: request.accessToken,
      accountId: request.accountId,
      amountCents: debit.amount_cents,
      description: deps.config.description,
      // Lets the event worker recognise the transfer if this process dies before recording it.
      metadata: { onramp_debit_id: debit.id },
    });
  } catch (error) {
    if (!(error instanceof AchProviderError) || error.kind !== 'REFUSED') throw error;
    return afterRefusedCreate(deps, debit, error);
  }
  await attachTransfer(deps, debit.id, transfer, deps.config.settlementBusinessDays);
  return read(deps.db, debit.id);
}

/** A 4xx from /transfer/create: no transfer exists. An expired authorization is renewed, else the debit is refused. */
async function afterRefusedCreate(
  deps: OriginateDeps,
  debit: AchDebitRow,
  error: AchProviderError,
): Promise<AchDebitRow> {
  const expired = deps.clock.now().getTime() - debit.updated_at.getTime() >= AUTHORIZATION_TTL_MS;
  const now = deps.clock.now();
  if (expired && debit.authorization_attempt < MAX_ATTEMPTS) {
    deps.log.warn(
      { achDebitId: debit.id, attempt: debit.authorization_attempt },
      'ACH authorization expired unused; authorizing again',
    );
    await deps.db
      .updateTable('ach_debits')
      .set({
        status: 'AUTHORIZING',
        authorization_id: null,
        authorization_attempt: debit.authorization_attempt + 1,
        updated_at: now,
      })
      .where('id', '=', debit.id)
      .where('status', '=', 'AUTHORIZED')
      .where('authorization_attempt', '=', debit.authorization_attempt)
      .execute();
  } else {
    await deps.db
      .updateTable('ach_debits')
      .set({
        status: 'DECLINED',
        decline_reason: 'REFUSED',
        decision_code: error.code,
        decision_description: error.message,
        updated_at: now,
        resolved_at: now,
      })
      .where('id', '=', debit.id)
      .where('status', '=', 'AUTHORIZED')
      .execute();
  }
  return read(deps.db, debit.id);
}

/** Records Plaid's transfer on its debit (also used by the event worker to recover one a crash left unrecorded). */
export async function attachTransfer(
  deps: Pick<OriginateDeps, 'db' | 'clock'>,
  debitId: string,
  transfer: { transferId: string; network: AchNetwork; expectedSettlementDate: string | null },
  settlementBusinessDays: number,
): Promise<boolean> {
  const now = deps.clock.now();
  const updated = await deps.db
    .updateTable('ach_debits')
    .set({
      status: 'PENDING',
      provider_ref: transfer.transferId,
      network: transfer.network,
      expected_settlement_date: transfer.expectedSettlementDate ?? estimateSettlement(now, settlementBusinessDays),
      updated_at: now,
    })
    .where('id', '=', debitId)
    .where('status', 'in', ['AUTHORIZING', 'AUTHORIZED'])
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** When Plaid gives no date: the next business day from today plus the configured business days. */
function estimateSettlement(now: Date, businessDays: number): string {
  return addBusinessDays(businessDayOnOrAfter(newYorkTime(now).date), businessDays);
}

function origination(debit: AchDebitRow): AchOrigination {
  return {
    providerRef: debit.provider_ref!,
    network: (debit.network as AchNetwork | null) ?? 'ach',
    expectedSettlementDate: debit.expected_settlement_date!,
  };
}
