// The gauges an operator alerts on, read from the database and the chains by worker processes every
// ONRAMP_METRICS_REFRESH_MS (not on scrape: a scrape costs nothing, and a slow database cannot make
// /metrics time out). Every query reads a partial index or pg-boss's own cached queue counts, each group
// is bounded by a timeout, and one failing group leaves the others' values fresh.
// The values describe the whole database, so every worker exports the same ones: aggregate with max().
import { sql } from 'kysely';
import { erc20Abi } from 'viem';
import { Gauge } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { NETWORKS, type Network } from '../../chains/networks.ts';
import type { Metrics } from '../../plugins/metrics.ts';

/** Payouts on their way (payouts_open), and with those that wait for an operator. */
const MOVING_PAYOUT_STATUSES = ['PENDING', 'SIGNED', 'SUBMITTED'] as const;
const OPEN_PAYOUT_STATUSES = [...MOVING_PAYOUT_STATUSES, 'FAILED_RETRYABLE'] as const;
const WEBHOOK_BACKLOG_STATUSES = ['SCHEDULED', 'QUEUED', 'SENDING'] as const;
/** Registrations reported one by one; past this many the rest are left out (label cardinality). */
const MAX_WEBHOOK_SERIES = 500;

export class BusinessMetrics {
  private readonly gauges;
  private readonly failing = new Set<string>();

  constructor(
    private readonly ctx: AppContext,
    metrics: Metrics,
  ) {
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Gauge<L>({ name, help, labelNames, registers: [metrics.registry] });
    this.gauges = {
      queueJobs: gauge('onramp_queue_jobs', 'Jobs per queue by state: ready, deferred (not due yet), active', [
        'queue',
        'state',
      ]),
      queueOldest: gauge(
        'onramp_queue_oldest_ready_job_age_seconds',
        'How long the oldest job ready to run has waited, per queue (as of the supervisor’s last pass)',
        ['queue'],
      ),
      webhookBacklog: gauge(
        'onramp_webhook_backlog',
        'Webhook deliveries not yet finished, per registration (SCHEDULED, QUEUED, SENDING)',
        ['webhook_id'],
      ),
      webhookOldest: gauge(
        'onramp_webhook_backlog_oldest_age_seconds',
        'Age of the oldest unfinished webhook delivery, per registration',
        ['webhook_id'],
      ),
      payouts: gauge('onramp_payouts', 'Payouts not final, by network and status', ['network', 'status']),
      payoutOldest: gauge(
        'onramp_payouts_oldest_open_age_seconds',
        'Age of the oldest payout still PENDING, SIGNED or SUBMITTED, by network',
        ['network'],
      ),
      hotBalance: gauge(
        'onramp_hot_wallet_balance',
        'Hot wallet balance in whole units (ETH or POL, and USDC), by network and asset (sandbox: unset until the sandbox chains have started)',
        ['network', 'asset'],
      ),
      nonceLag: gauge(
        'onramp_hot_wallet_nonce_lag',
        'Nonces onramp has assigned that the chain has not mined yet (next nonce minus the chain’s latest count; sandbox: unset until the sandbox chains have started)',
        ['network'],
      ),
      senderHalted: gauge(
        'onramp_payout_sender_halted',
        '1 when a network’s payout sender is halted (see `onramp payouts list`)',
        ['network'],
      ),
      achPending: gauge('onramp_ach_debits_pending', 'ACH debits waiting to settle', []),
      achPendingCents: gauge('onramp_ach_debits_pending_cents', 'Amount of ACH debits waiting to settle, US cents', []),
      kycWaiting: gauge('onramp_kyc_reviews_waiting', 'KYC submissions waiting for an operator (IN_REVIEW)', []),
      kycOldest: gauge(
        'onramp_kyc_reviews_oldest_age_seconds',
        'Age of the oldest KYC submission waiting for review',
        [],
      ),
      refreshErrors: gauge(
        'onramp_metrics_refresh_failed',
        '1 when the last refresh of a group of these gauges failed',
        ['group'],
      ),
    };
  }

  /** Reads every group at once; each is bounded and independent. */
  async refresh(): Promise<void> {
    const groups: Array<[string, () => Promise<void>]> = [
      ['queues', () => this.queues()],
      ['webhooks', () => this.webhooks()],
      ['payouts', () => this.payouts()],
      ['hot_wallets', () => this.hotWallets()],
      ['ach', () => this.ach()],
      ['kyc', () => this.kyc()],
    ];
    await Promise.all(groups.map(([name, run]) => this.guarded(name, run)));
  }

  private async guarded(group: string, run: () => Promise<void>): Promise<void> {
    const timeoutMs = this.ctx.config.ops.readiness.timeoutMs * 2;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`took longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.gauges.refreshErrors.set({ group }, 0);
      this.failing.delete(group);
    } catch (error) {
      this.gauges.refreshErrors.set({ group }, 1);
      // Once per outage, not every refresh.
      if (!this.failing.has(group))
        this.ctx.log.warn({ err: error, group }, 'metrics: could not refresh a group of gauges');
      this.failing.add(group);
    } finally {
      clearTimeout(timer);
    }
  }

  private async queues(): Promise<void> {
    const { queueJobs, queueOldest } = this.gauges;
    for (const q of await this.ctx.jobs.boss.getQueues()) {
      queueJobs.set({ queue: q.name, state: 'ready' }, q.readyCount ?? 0);
      queueJobs.set({ queue: q.name, state: 'deferred' }, q.deferredCount ?? 0);
      queueJobs.set({ queue: q.name, state: 'active' }, q.activeCount ?? 0);
      queueOldest.set({ queue: q.name }, (q as { readyOldestSeconds?: number | null }).readyOldestSeconds ?? 0);
    }
  }

  /** Every active registration gets a series (0 when it has no backlog), so an alert can name it. */
  private async webhooks(): Promise<void> {
    const [active, open] = await Promise.all([
      this.ctx.db
        .selectFrom('webhooks')
        .select('id')
        .where('status', '=', 'ACTIVE')
        .orderBy('created_at')
        .limit(MAX_WEBHOOK_SERIES)
        .execute(),
      // webhook_deliveries_open (0059): the unfinished deliveries only.
      this.ctx.db
        .selectFrom('webhook_deliveries')
        .select(['webhook_id', sql<string>`count(*)`.as('n'), sql<Date>`min(created_at)`.as('oldest')])
        .where('status', 'in', [...WEBHOOK_BACKLOG_STATUSES])
        .groupBy('webhook_id')
        .execute(),
    ]);
    const now = this.ctx.clock.now().getTime();
    const backlog = new Map(open.map((r) => [r.webhook_id, r]));
    this.gauges.webhookBacklog.reset();
    this.gauges.webhookOldest.reset();
    for (const { id } of active) {
      const row = backlog.get(id);
      this.gauges.webhookBacklog.set({ webhook_id: id }, row ? Number(row.n) : 0);
      this.gauges.webhookOldest.set({ webhook_id: id }, row ? ageSeconds(now, row.oldest) : 0);
    }
  }

  private async payouts(): Promise<void> {
    const count = (statuses: readonly string[]) =>
      this.ctx.db
        .selectFrom('payouts')
        .select(['network', 'status', sql<string>`count(*)`.as('n'), sql<Date>`min(created_at)`.as('oldest')])
        .where('status', 'in', [...statuses] as Array<(typeof OPEN_PAYOUT_STATUSES)[number]>)
        .groupBy(['network', 'status'])
        .execute();
    // Two reads, one per partial index: payouts_open (0045) and payouts_needs_operator (0049).
    const rows = (await Promise.all([count(MOVING_PAYOUT_STATUSES), count(['FAILED_RETRYABLE'])])).flat();
    const now = this.ctx.clock.now().getTime();
    for (const network of NETWORKS) {
      let oldest: number | undefined;
      for (const status of OPEN_PAYOUT_STATUSES) {
        const row = rows.find((r) => r.network === network && r.status === status);
        this.gauges.payouts.set({ network, status }, row ? Number(row.n) : 0);
        if (row && status !== 'FAILED_RETRYABLE') oldest = Math.max(oldest ?? 0, ageSeconds(now, row.oldest));
      }
      this.gauges.payoutOldest.set({ network }, oldest ?? 0);
    }
  }

  private async hotWallets(): Promise<void> {
    await Promise.all(NETWORKS.map((network) => this.hotWallet(network)));
  }

  private async hotWallet(network: Network): Promise<void> {
    const { chains, db } = this.ctx;
    const hot = chains.hotWallet(network);
    const sender = () =>
      db
        .selectFrom('hot_wallets')
        .select(['next_nonce', 'halted_reason'])
        .where('network', '=', network)
        .where('address', '=', hot.address)
        .executeTakeFirst();
    // Reading a sandbox chain that has not started would start it (Hardhat/EDR and the replay) in a
    // server nothing uses: its balance and nonce gauges wait for the chains' first use.
    if (!chains.started(network)) {
      this.gauges.senderHalted.set({ network }, (await sender())?.halted_reason ? 1 : 0);
      return;
    }
    const client = chains.publicClient(network);
    const [native, usdc, mined, row] = await Promise.all([
      client.getBalance({ address: hot.address }),
      client.readContract({
        address: chains.usdcAddress(network),
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [hot.address],
      }),
      client.getTransactionCount({ address: hot.address, blockTag: 'latest' }),
      sender(),
    ]);
    this.gauges.hotBalance.set({ network, asset: network === 'POLYGON' ? 'POL' : 'ETH' }, wholeUnits(native, 18));
    this.gauges.hotBalance.set({ network, asset: 'USDC' }, wholeUnits(usdc, 6));
    const next = row?.next_nonce === null || row?.next_nonce === undefined ? BigInt(mined) : BigInt(row.next_nonce);
    this.gauges.nonceLag.set({ network }, Number(next - BigInt(mined)));
    this.gauges.senderHalted.set({ network }, row?.halted_reason ? 1 : 0);
  }

  private async ach(): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('ach_debits')
      .select([sql<string>`count(*)`.as('n'), sql<string>`coalesce(sum(amount_cents), 0)`.as('cents')])
      .where('status', '=', 'PENDING')
      .executeTakeFirstOrThrow();
    this.gauges.achPending.set(Number(row.n));
    this.gauges.achPendingCents.set(Number(row.cents));
  }

  private async kyc(): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('kyc_submissions')
      .select([sql<string>`count(*)`.as('n'), sql<Date | null>`min(submitted_at)`.as('oldest')])
      .where('status', '=', 'IN_REVIEW')
      .executeTakeFirstOrThrow();
    this.gauges.kycWaiting.set(Number(row.n));
    this.gauges.kycOldest.set(row.oldest ? ageSeconds(this.ctx.clock.now().getTime(), row.oldest) : 0);
  }
}

function ageSeconds(nowMs: number, then: Date | string): number {
  return Math.max(0, Math.round((nowMs - new Date(then).getTime()) / 1000));
}

/** Whole units as a float: exact enough for a gauge (an alert on "below 0.5 ETH"), never used for money. */
function wholeUnits(minor: bigint, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  return Number(minor / scale) + Number(minor % scale) / Number(scale);
}
