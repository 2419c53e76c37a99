// ctx.ach: ACH debits on Plaid Transfer (docs/money-movement.md). originateDebit() authorizes and
// creates a transfer, recording each step before the call that makes it (originate.ts); refundDebit()
// refunds a settled one (refunds.ts); sync() follows Plaid's event stream and applies each event once
// (event-sync.ts), running every onUpdate subscriber IN THE TRANSACTION that records the outcome: the
// outcome and the reactions to it (purchase legs, ledger journals, a payout request, events) commit
// together or not at all. A subscriber that throws rolls the outcome back; the event is retried later.
// The sync job runs on a bounded poll and whenever Plaid's TRANSFER_EVENTS_UPDATE webhook arrives.
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { PlaidTransferProvider } from '../../providers/ach/plaid-transfer.ts';
import type { AchProvider } from '../../providers/ach/types.ts';
import type { PlaidProvider } from '../../providers/plaid/index.ts';
import type { AchConfig } from './config.ts';
import { applyDueEvents, pullEvents } from './event-sync.ts';
import { type AchDebitRequest, type AchOrigination, originate } from './originate.ts';
import { type AchRefundView, refundDebit } from './refunds.ts';
import { registerTransferWebhooks } from './webhooks.ts';
import type { Module } from '../index.ts';

export { AchDebitRejectedError, type AchDebitRequest, type AchOrigination, type AchRejectReason } from './originate.ts';
export { AchRefundRefusedError, type AchRefundView } from './refunds.ts';
export { RETURN_CODES, type AchSpeed } from '../../providers/ach/types.ts';

export const ACH_SYNC_QUEUE = 'ach-event-sync';

export interface AchUpdate {
  /** The debit's id (the one given to originateDebit). */
  id: string;
  /**
   * SETTLED; RETURNED (with afterSettlement when it had settled: a late return); FAILED (Plaid's
   * `failed`/`cancelled`: no money moved); REFUND_SETTLED | REFUND_FAILED (a refund of the debit).
   */
  status: 'SETTLED' | 'RETURNED' | 'FAILED' | 'REFUND_SETTLED' | 'REFUND_FAILED';
  afterSettlement?: boolean;
  /** NACHA return code (R01…) of a return; Plaid's failure code otherwise, when it gave one. */
  returnCode?: string;
  /** What the code means ("Insufficient funds"), or Plaid's failure description. */
  returnReason?: string;
  /** The refund's id (REFUND_*). */
  refundId?: string;
  /** The debit's amount, or the refund's (REFUND_*). */
  amountCents: bigint;
  providerRef: string;
  /** When Plaid says it happened. */
  at: Date;
}

/** Runs inside the transaction that records the outcome: write with `trx`, never call out (HTTP, chains). */
export type AchUpdateHandler = (update: AchUpdate, trx: Tx) => Promise<void>;

export interface SettlementRun {
  settled: number;
  /** Returned or failed debits. */
  returned: number;
  /** Events this run could not apply (a subscriber failed, Plaid unreachable): retried after a pause. */
  stillPending: number;
}

export type AchDebitRow = Row<'ach_debits'>;

const notConfigured = () =>
  new AppError('NOT_IMPLEMENTED', {
    message:
      'No ACH provider is configured on this server (ONRAMP_ACH_PROVIDER=none): purchases by ACH are not available',
    data: { reason: 'ACH_PROVIDER_NONE' },
  });

export class AchService {
  private readonly handlers: AchUpdateHandler[] = [];
  private syncing: Promise<SettlementRun> | undefined;
  private again = false;
  /** Set once a debit of this provider is on record (debits are never deleted). */
  private originated = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly provider: AchProvider | undefined,
    private readonly config: AchConfig,
    private readonly jobs: Jobs,
    private readonly log: Logger,
  ) {}

  /** Registers a subscriber to debit and refund outcomes (call from a module's jobs(ctx) hook). */
  onUpdate(handler: AchUpdateHandler): void {
    this.handlers.push(handler);
  }

  get providerName(): string {
    return this.provider?.name ?? 'none';
  }

  /**
   * Authorizes and creates the debit (external calls: never inside a DB transaction). Idempotent on
   * `id`. Throws AchDebitRejectedError when nothing was debited (declined, user action required,
   * refused), AchProviderError('UNAVAILABLE') when Plaid did not answer (retry), NOT_IMPLEMENTED with
   * no provider.
   */
  async originateDebit(request: AchDebitRequest): Promise<AchOrigination> {
    if (request.amountCents <= 0n) throw new Error('ACH debit amount must be positive');
    if (!this.provider) throw notConfigured();
    return originate(this.deps(this.provider), request);
  }

  /** Refunds (part of) a settled debit; idempotent while a refund is live. Throws AchRefundRefusedError. */
  async refundDebit(request: { debitId: string; amountCents: bigint }): Promise<AchRefundView> {
    if (!this.provider) throw notConfigured();
    return refundDebit({ db: this.db, clock: this.clock, provider: this.provider }, request);
  }

  async get(id: string): Promise<AchDebitRow | undefined> {
    return this.db.selectFrom('ach_debits').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Pulls Plaid's new events and applies those due. Safe in several processes; in one process,
   * concurrent calls share a run (and one more follows if asked for meanwhile).
   */
  async sync(): Promise<SettlementRun> {
    if (!this.provider) return { settled: 0, returned: 0, stillPending: 0 };
    if (this.syncing !== undefined) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = this.runSync(this.provider).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async runSync(provider: AchProvider): Promise<SettlementRun> {
    const total: SettlementRun = { settled: 0, returned: 0, stillPending: 0 };
    for (let pass = 0; pass < 3; pass++) {
      this.again = false;
      await this.clock.sync?.();
      const deps = this.deps(provider);
      try {
        if (await this.hasOriginated(provider)) await pullEvents(deps);
      } catch (error) {
        // Plaid unreachable: apply what is already here; the poll tries again.
        this.log.warn({ err: error }, 'could not read Plaid transfer events; applying those already received');
      }
      const run = await applyDueEvents(deps);
      total.settled += run.settled;
      total.returned += run.returned;
      total.stillPending += run.stillPending;
      if (!this.again) break;
    }
    return total;
  }

  /** Queues a sync now (Plaid's TRANSFER_EVENTS_UPDATE webhook, the sandbox clock). */
  async wake(): Promise<void> {
    await this.jobs.send(ACH_SYNC_QUEUE, {});
  }

  /** Whether Plaid answers (readiness); throws what it answered otherwise. */
  async ping(): Promise<void> {
    if (!this.provider) throw notConfigured();
    await this.provider.ping();
  }

  /**
   * Until a debit is on record, no event in the provider's stream can be onramp's (the AUTHORIZING
   * row is recorded before anything is sent), so the pull waits: an idle server does not load the
   * `plaid` client (~50 MB resident) every poll for nothing. The stream keeps every event after the
   * stored cursor; the first pull after the first debit reads them all, as it would have.
   */
  private async hasOriginated(provider: AchProvider): Promise<boolean> {
    this.originated ||=
      (await this.db
        .selectFrom('ach_debits')
        .select('id')
        .where('provider', '=', provider.name)
        .limit(1)
        .executeTakeFirst()) !== undefined;
    return this.originated;
  }

  private deps(provider: AchProvider) {
    return { db: this.db, clock: this.clock, provider, config: this.config, log: this.log, handlers: this.handlers };
  }
}

export function createAch(deps: {
  db: Db;
  clock: Clock;
  config: AchConfig;
  plaid: PlaidProvider;
  jobs: Jobs;
  log: Logger;
}): AchService {
  const provider = deps.config.provider === 'plaid' ? new PlaidTransferProvider(deps.plaid, deps.log) : undefined;
  return new AchService(deps.db, deps.clock, provider, deps.config, deps.jobs, deps.log);
}

/**
 * The module's job hook: the event-sync queue, its poller, Plaid's TRANSFER webhooks, and a readiness
 * check (`/readyz?full=1` → `ach`) that Plaid Transfer itself answers this client (one /transfer/event/list).
 */
export function defineAchJobs(ctx: {
  ach: AchService;
  jobs: Jobs;
  plaid: PlaidProvider;
  config: { ach: AchConfig };
  readiness: { add(name: string, check: () => Promise<string | undefined>): void };
}): void {
  registerTransferWebhooks(ctx);
  if (ctx.config.ach.provider === 'plaid')
    ctx.readiness.add('ach', async () => {
      await ctx.ach.ping();
      return 'Plaid Transfer';
    });
  ctx.jobs.define({
    name: ACH_SYNC_QUEUE,
    retryLimit: 3,
    handler: async () => {
      await ctx.ach.sync();
    },
  });
  ctx.jobs.repeat(ACH_SYNC_QUEUE, ctx.config.ach.pollSeconds);
}

export const achModule: Module = { name: 'ach', jobs: defineAchJobs };
