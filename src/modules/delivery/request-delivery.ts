// requestDelivery: the one way another module sends crypto. It records the delivery (PENDING) and
// wakes the sender in the caller's transaction, so the transfer happens iff the caller's change commits.
import { getAddress, isAddress, type Address } from 'viem';
import type { Network } from '../../chains/networks.ts';
import { NETWORKS } from '../../chains/networks.ts';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { UUID_RE } from '../../config.ts';
import { DELIVERY_ASSETS, type DeliveryAsset, type DeliveryStatus } from './tables.ts';
import { SEND_QUEUE } from './queues.ts';

export interface DeliveryRequest {
  /** The caller's id for this transfer (e.g. the activity's crypto leg); the same id never sends twice. */
  id: string;
  network: Network;
  /** ETH (ETHEREUM only: POLYGON's native coin is POL) or USDC (ERC-20 `transfer`, 6 decimals). */
  asset: DeliveryAsset;
  toAddress: string;
  /** wei for ETH, 10⁻⁶ USDC for USDC. */
  amountMinor: bigint;
}

export interface DeliveryRequested {
  id: string;
  status: DeliveryStatus;
  /** false when a delivery with this id already existed (nothing new was sent). */
  created: boolean;
}

/** A request that could never be delivered: a programming error in the caller, not a user's input. */
export class DeliveryRequestError extends Error {
  override name = 'DeliveryRequestError';
}

function validate(input: DeliveryRequest): { id: string; to: Address } {
  if (!UUID_RE.test(input.id)) throw new DeliveryRequestError(`delivery id must be a UUID (got "${input.id}")`);
  if (!NETWORKS.includes(input.network))
    throw new DeliveryRequestError(`network must be one of ${NETWORKS.join(', ')} (got "${input.network}")`);
  if (!DELIVERY_ASSETS.includes(input.asset))
    throw new DeliveryRequestError(`asset must be one of ${DELIVERY_ASSETS.join(', ')} (got "${input.asset}")`);
  if (input.asset === 'ETH' && input.network !== 'ETHEREUM')
    throw new DeliveryRequestError(`ETH is delivered on ETHEREUM only (got ${input.network})`);
  if (typeof input.amountMinor !== 'bigint' || input.amountMinor <= 0n)
    throw new DeliveryRequestError('amountMinor must be a positive bigint');
  if (!isAddress(input.toAddress, { strict: false }))
    throw new DeliveryRequestError(`toAddress must be a 0x-prefixed 20-byte address (got "${input.toAddress}")`);
  return { id: input.id.toLowerCase(), to: getAddress(input.toAddress) };
}

/**
 * Records a delivery inside the caller's transaction `trx` and enqueues the sender. Idempotent on
 * `id`: the same request again changes nothing; the same id with other fields throws.
 */
export async function requestDelivery(
  ctx: AppContext,
  trx: Executor,
  input: DeliveryRequest,
): Promise<DeliveryRequested> {
  const { id, to } = validate(input);
  const now = ctx.clock.now();
  const inserted = await trx
    .insertInto('deliveries')
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
    await ctx.jobs.send(SEND_QUEUE, { network: input.network }, { trx });
    return { id, status: inserted.status, created: true };
  }
  const existing = await trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  if (
    existing.network !== input.network ||
    existing.asset !== input.asset ||
    existing.to_address !== to ||
    BigInt(existing.amount_minor) !== input.amountMinor
  ) {
    throw new DeliveryRequestError(
      `delivery ${id} already exists with other details (${existing.amount_minor} ${existing.asset} on ${existing.network} to ${existing.to_address})`,
    );
  }
  return { id, status: existing.status, created: false };
}
