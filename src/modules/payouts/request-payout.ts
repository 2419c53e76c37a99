// ctx.payouts: the one way another module sends crypto, and hears how it went. request() records the
// payout (PENDING) and wakes the sender in the caller's transaction, so the transfer happens iff the
// caller's change commits; onUpdate() subscribers hear SUBMITTED / CONFIRMED / FAILED from a job.
import { getAddress, isAddress, type Address } from 'viem';
import type { Network } from '../../chains/networks.ts';
import { NETWORKS } from '../../chains/networks.ts';
import type { Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { UUID_RE } from '../../lib/ids.ts';
import { PAYOUT_ASSETS, type PayoutAsset, type PayoutStatus } from './tables.ts';
import { SEND_QUEUE } from './queues.ts';
import { payoutRow } from './repository.ts';
import type { PayoutUpdate, PayoutUpdateHandler } from './updates.ts';

export interface PayoutRequest {
  /** The caller's id for this transfer (e.g. the activity's crypto leg); the same id never sends twice. */
  id: string;
  network: Network;
  /** ETH (ETHEREUM only: POLYGON's native coin is POL) or USDC (ERC-20 `transfer`, 6 decimals). */
  asset: PayoutAsset;
  toAddress: string;
  /** wei for ETH, 10⁻⁶ USDC for USDC. */
  amountMinor: bigint;
}

export interface PayoutRequested {
  id: string;
  status: PayoutStatus;
  /** false when a payout with this id already existed (nothing new was sent). */
  created: boolean;
}

/** A request that could never be delivered: a programming error in the caller, not a user's input. */
export class PayoutRequestError extends Error {
  override name = 'PayoutRequestError';
}

function validate(input: PayoutRequest): { id: string; to: Address } {
  if (!UUID_RE.test(input.id)) throw new PayoutRequestError(`payout id must be a UUID (got "${input.id}")`);
  if (!NETWORKS.includes(input.network))
    throw new PayoutRequestError(`network must be one of ${NETWORKS.join(', ')} (got "${input.network}")`);
  if (!PAYOUT_ASSETS.includes(input.asset))
    throw new PayoutRequestError(`asset must be one of ${PAYOUT_ASSETS.join(', ')} (got "${input.asset}")`);
  if (input.asset === 'ETH' && input.network !== 'ETHEREUM')
    throw new PayoutRequestError(`ETH is delivered on ETHEREUM only (got ${input.network})`);
  if (typeof input.amountMinor !== 'bigint' || input.amountMinor <= 0n)
    throw new PayoutRequestError('amountMinor must be a positive bigint');
  if (!isAddress(input.toAddress, { strict: false }))
    throw new PayoutRequestError(`toAddress must be a 0x-prefixed 20-byte address (got "${input.toAddress}")`);
  return { id: input.id.toLowerCase(), to: getAddress(input.toAddress) };
}

/**
 * Records a payout inside the caller's transaction `trx` and enqueues the sender. Idempotent on
 * `id`: the same request again changes nothing; the same id with other fields throws.
 */
export async function requestPayout(
  deps: { clock: Clock; jobs: Jobs },
  trx: Executor,
  input: PayoutRequest,
): Promise<PayoutRequested> {
  const { id, to } = validate(input);
  const now = deps.clock.now();
  const inserted = await trx
    .insertInto('payouts')
    .values({
      id,
      network: input.network,
      asset: input.asset,
      to_address: to,
      amount_minor: input.amountMinor,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('status')
    .executeTakeFirst();
  if (inserted) {
    await deps.jobs.send(SEND_QUEUE, { network: input.network }, { trx });
    return { id, status: inserted.status, created: true };
  }
  const existing = payoutRow(
    await trx.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
  if (
    existing.network !== input.network ||
    existing.asset !== input.asset ||
    existing.to_address !== to ||
    existing.amount_minor !== input.amountMinor
  ) {
    throw new PayoutRequestError(
      `payout ${id} already exists with other details (${existing.amount_minor} ${existing.asset} on ${existing.network} to ${existing.to_address})`,
    );
  }
  return { id, status: existing.status, created: false };
}

export class PayoutService {
  private readonly handlers: PayoutUpdateHandler[] = [];
  constructor(private readonly deps: { clock: Clock; jobs: Jobs }) {}

  /**
   * Records a payout inside the caller's transaction `trx` and enqueues the sender. Idempotent on
   * `id`: the same request again changes nothing; the same id with other fields throws.
   */
  request(trx: Executor, input: PayoutRequest): Promise<PayoutRequested> {
    return requestPayout(this.deps, trx, input);
  }

  /**
   * Subscribes to payout outcomes; call it from a module's `jobs(ctx)` hook. The handler runs in a
   * job, may open its own transaction, must be idempotent per (id, status), and is retried (bounded)
   * when it throws.
   */
  onUpdate(handler: PayoutUpdateHandler): void {
    this.handlers.push(handler);
  }

  /** The update job: hands one outcome to every subscriber, in subscription order. */
  async dispatch(update: PayoutUpdate): Promise<void> {
    for (const handler of this.handlers) await handler(update);
  }
}
