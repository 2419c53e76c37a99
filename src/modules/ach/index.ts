// ctx.ach: originates ACH debits through the configured provider, records each one, and settles
// them. The settlement job asks the provider about every debit that is due (by ctx.clock) and, when
// one settled or was returned, moves it PENDING → SETTLED | RETURNED with a conditional update and
// runs every onUpdate subscriber IN THAT SAME TRANSACTION: the outcome and the reactions to it
// (purchase legs, ledger journals, a payout request, events) commit together or not at all. A
// subscriber that throws rolls the outcome back; the debit stays due and is retried after a pause.
import type { Logger } from 'pino';
import type { AchConfig } from './config.ts';
import type { Db, Tx } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { SandboxAchProvider } from '../../providers/ach/sandbox.ts';
import {
  RETURN_CODES,
  type AchDebitRequest,
  type AchProvider,
  type AchProviderStatus,
  type AchRejectReason,
} from '../../providers/ach/types.ts';
import type { Row } from '../../db/schema.ts';

export type { AchDebitRequest, AchSpeed } from '../../providers/ach/types.ts';
export { RETURN_CODES } from '../../providers/ach/types.ts';

export const ACH_SETTLEMENT_QUEUE = 'ach-settlement';

export interface AchUpdate {
  /** The debit's id (the one given to originateDebit). */
  id: string;
  status: 'SETTLED' | 'RETURNED';
  /** NACHA return code (R01…) when RETURNED. */
  returnCode?: string;
  /** What the return code means ("Insufficient funds"). */
  returnReason?: string;
  amountCents: bigint;
  providerRef: string;
  /** When the provider settled or returned it. */
  at: Date;
}

/** Runs inside the transaction that records the outcome: write with `trx`, never call out (HTTP, chains). */
export type AchUpdateHandler = (update: AchUpdate, trx: Tx) => Promise<void>;

/** The provider refused the debit at origination (the sandbox's $123.45 risk rejection): nothing is debited. */
export class AchDebitRejectedError extends Error {
  constructor(
    readonly reason: AchRejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'AchDebitRejectedError';
  }
}

export interface SettlementRun {
  settled: number;
  returned: number;
  /** Due debits the provider still reports as pending, or whose subscribers failed (retried later). */
  stillPending: number;
}

export type AchDebitRow = Row<'ach_debits'>;

/** How long a debit whose subscribers failed waits before the next try. */
const HANDLER_RETRY_MS = 60_000;
const BATCH = 200;

export class AchService {
  private readonly handlers: AchUpdateHandler[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly provider: AchProvider | undefined,
    private readonly config: AchConfig,
    private readonly log: Logger,
  ) {}

  /** Registers a subscriber to settlements and returns (call from a module's jobs(ctx) hook). */
  onUpdate(handler: AchUpdateHandler): void {
    this.handlers.push(handler);
  }

  /**
   * Originates a debit (an external call: never inside a DB transaction). Idempotent on `id`: calling
   * again returns the recorded debit. Throws AchDebitRejectedError when the provider refuses it, and
   * NOT_IMPLEMENTED when no ACH provider is configured.
   */
  async originateDebit(request: AchDebitRequest): Promise<{ providerRef: string; expectedSettlementDate: string }> {
    if (request.amountCents <= 0n) throw new Error('ACH debit amount must be positive');
    const known = await this.get(request.id);
    if (known) {
      if (known.amount_cents !== request.amountCents || known.speed !== request.speed)
        throw new Error(`ACH debit ${request.id} was originated with other terms`);
      return { providerRef: known.provider_ref, expectedSettlementDate: known.expected_settlement_date };
    }
    if (!this.provider)
      throw new AppError('NOT_IMPLEMENTED', {
        message:
          'No ACH provider is configured on this server (ONRAMP_ACH_PROVIDER=none): purchases by ACH are not available',
        data: { reason: 'ACH_PROVIDER_NONE' },
      });
    const result = await this.provider.originate(request);
    if (result.status === 'REJECTED') throw new AchDebitRejectedError(result.reason, result.message);
    const now = this.clock.now();
    await this.db
      .insertInto('ach_debits')
      .values({
        id: request.id,
        provider: this.provider.name,
        provider_ref: result.providerRef,
        amount_cents: request.amountCents,
        speed: request.speed,
        status: 'PENDING',
        expected_settlement_date: result.expectedSettlementDate,
        next_check_at: result.checkAt,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return { providerRef: result.providerRef, expectedSettlementDate: result.expectedSettlementDate };
  }

  async get(id: string): Promise<AchDebitRow | undefined> {
    return this.db.selectFrom('ach_debits').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The settlement job: resolves every debit due by ctx.clock. Safe to run in several processes at once. */
  async settleDue(): Promise<SettlementRun> {
    await this.clock.sync?.();
    const run: SettlementRun = { settled: 0, returned: 0, stillPending: 0 };
    if (!this.provider) return run;
    const seen = new Set<string>();
    for (;;) {
      const now = this.clock.now();
      const due = await this.db
        .selectFrom('ach_debits')
        .selectAll()
        .where('status', '=', 'PENDING')
        .where('next_check_at', '<=', now)
        .orderBy('next_check_at')
        .limit(BATCH)
        .execute();
      const fresh = due.filter((d) => !seen.has(d.id));
      if (fresh.length === 0) return run;
      for (const debit of fresh) {
        seen.add(debit.id);
        const outcome = await this.resolveOne(debit, now);
        if (outcome === 'SETTLED') run.settled++;
        else if (outcome === 'RETURNED') run.returned++;
        else run.stillPending++;
      }
    }
  }

  private async resolveOne(debit: AchDebitRow, now: Date): Promise<AchProviderStatus['status'] | 'SKIPPED'> {
    let status: AchProviderStatus;
    try {
      status = await this.provider!.status(debit.provider_ref);
    } catch (error) {
      this.log.warn({ err: error, achDebitId: debit.id }, 'ACH provider status failed; retrying later');
      await this.recheckAt(debit.id, new Date(now.getTime() + this.config.pollSeconds * 1000));
      return 'PENDING';
    }
    if (status.status === 'PENDING') {
      const later =
        status.checkAt && status.checkAt > now
          ? status.checkAt
          : new Date(now.getTime() + this.config.pollSeconds * 1000);
      await this.recheckAt(debit.id, later);
      return 'PENDING';
    }
    const update: AchUpdate = {
      id: debit.id,
      status: status.status,
      amountCents: debit.amount_cents,
      providerRef: debit.provider_ref,
      at: status.at,
      ...(status.status === 'RETURNED'
        ? { returnCode: status.returnCode, returnReason: RETURN_CODES[status.returnCode] ?? 'Returned' }
        : {}),
    };
    try {
      const applied = await this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('ach_debits')
          .set({
            status: update.status,
            return_code: update.returnCode ?? null,
            resolved_at: update.at,
            updated_at: now,
          })
          .where('id', '=', debit.id)
          .where('status', '=', 'PENDING')
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) return false; // another worker resolved it first
        for (const handler of this.handlers) await handler(update, trx);
        return true;
      });
      return applied ? update.status : 'SKIPPED';
    } catch (error) {
      this.log.error(
        { err: error, achDebitId: debit.id, status: update.status },
        'ACH update subscriber failed; the outcome is rolled back and retried later',
      );
      await this.recheckAt(debit.id, new Date(now.getTime() + HANDLER_RETRY_MS));
      return 'PENDING';
    }
  }

  private async recheckAt(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('ach_debits')
      .set({ next_check_at: at })
      .where('id', '=', id)
      .where('status', '=', 'PENDING')
      .execute();
  }

  /** Queues a settlement run now (the sandbox clock does after moving time). */
  async kick(jobs: Jobs): Promise<void> {
    await jobs.send(ACH_SETTLEMENT_QUEUE, {});
  }
}

export function createAch(deps: { db: Db; clock: Clock; config: AchConfig; log: Logger }): AchService {
  const provider =
    deps.config.provider === 'sandbox'
      ? new SandboxAchProvider(deps.db, deps.clock, deps.config.settlementBusinessDays)
      : undefined;
  return new AchService(deps.db, deps.clock, provider, deps.config, deps.log);
}

/** The module's job hook: the settlement queue and its poller. */
export function defineAchJobs(ctx: { ach: AchService; jobs: Jobs; config: { ach: AchConfig } }): void {
  ctx.jobs.define({
    name: ACH_SETTLEMENT_QUEUE,
    retryLimit: 3,
    handler: async () => {
      await ctx.ach.settleDue();
    },
  });
  ctx.jobs.repeat(ACH_SETTLEMENT_QUEUE, ctx.config.ach.pollSeconds);
}
