// What an operator can do about payouts (`onramp payouts …`): see them with the reason they
// wait, retry the ones that gave up, and resolve a sender halted on a nonce disagreement.
import { keccak256, type Hash, type Hex } from 'viem';
import { NETWORKS, type Network } from '../../chains/networks.ts';
import type { AppContext } from '../../context.ts';
import { CONFIRM_QUEUE, SEND_QUEUE } from './queues.ts';
import { getPayout, getSender, listPayouts, listSenders, noncesInRange, type PayoutRow } from './repository.ts';
import { broadcastRaw, knownOnChain } from './broadcaster.ts';
import type { PayoutStatus } from './tables.ts';

export class OperationError extends Error {
  override name = 'OperationError';
}

export function payoutView(row: PayoutRow) {
  return {
    id: row.id,
    network: row.network,
    asset: row.asset,
    toAddress: row.to_address,
    amountMinor: row.amount_minor.toString(),
    status: row.status,
    nonce: row.nonce?.toString() ?? null,
    transactionHash: row.tx_hash,
    attempts: row.attempts,
    nextAttemptTime: row.next_attempt_at?.toISOString() ?? null,
    lastError: row.last_error,
    failureCode: row.failure_code,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
  };
}

export async function payoutsOverview(
  ctx: AppContext,
  filter: { status?: PayoutStatus[]; network?: Network; limit: number },
) {
  const senders = await listSenders(ctx.db);
  const rows = await listPayouts(ctx.db, filter);
  return {
    senders: senders.map((s) => ({
      network: s.network,
      hotWallet: s.address,
      nextNonce: s.next_nonce?.toString() ?? null,
      halted: s.halted_reason,
    })),
    payouts: rows.map(payoutView),
  };
}

/**
 * Retries a payout that gave up. Without a signed transaction it goes back to PENDING. With one, the
 * same bytes are broadcast again — unless the chain shows its nonce went to another transaction, the
 * one case where signing anew (with a new nonce) cannot send twice. A SUBMITTED payout whose
 * confirmation polling timed out is followed again.
 */
export async function retryPayout(
  ctx: AppContext,
  id: string,
): Promise<{ id: string; status: PayoutStatus; action: string }> {
  const row = await getPayout(ctx.db, id);
  if (!row) throw new OperationError(`no payout ${id}`);
  const now = ctx.clock.now();
  if (row.status === 'SUBMITTED') {
    await ctx.db
      .updateTable('payouts')
      .set({ last_error: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'SUBMITTED')
      .execute();
    await ctx.jobs.send(CONFIRM_QUEUE, { id });
    return { id, status: 'SUBMITTED', action: 'following the submitted transaction again' };
  }
  if (row.status !== 'FAILED_RETRYABLE')
    throw new OperationError(
      `payout ${id} is ${row.status}; only FAILED_RETRYABLE (or SUBMITTED) payouts can be retried`,
    );
  const reset = {
    attempts: 0,
    next_attempt_at: null,
    last_error: null,
    failure_code: null,
    failure_message: null,
    updated_at: now,
  };
  let status: PayoutStatus;
  let action: string;
  if (!row.tx_hash) {
    status = 'PENDING';
    action = 'queued to be signed and sent';
  } else if (await knownOnChain(ctx, row.network, row.tx_hash as Hash)) {
    status = 'SIGNED';
    action = 'its transaction is known to the chain; it will be followed to its confirmations';
  } else if (row.failure_code === 'NONCE_CONSUMED') {
    const chainNonce = BigInt(
      await ctx.chains
        .publicClient(row.network)
        .getTransactionCount({ address: row.from_address as Hash, blockTag: 'latest' }),
    );
    if (row.nonce === null || chainNonce <= row.nonce)
      throw new OperationError(
        `nonce ${row.nonce} is not used on chain yet (the wallet's nonce is ${chainNonce}); retry later or check the node`,
      );
    status = 'PENDING';
    action = `nonce ${row.nonce} went to another transaction and this one was never mined: it will be signed again with a new nonce`;
  } else {
    status = 'SIGNED';
    action = 'the same signed transaction will be broadcast again';
  }
  const clearSigning =
    status === 'PENDING' ? { from_address: null, nonce: null, tx_hash: null, raw_tx: null, signed_at: null } : {};
  const updated = await ctx.db
    .updateTable('payouts')
    .set({ status, ...reset, ...clearSigning })
    .where('id', '=', id)
    .where('status', '=', 'FAILED_RETRYABLE')
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw new OperationError(`payout ${id} changed meanwhile; look again`);
  await ctx.jobs.send(SEND_QUEUE, { network: row.network });
  ctx.log.info({ payoutId: id, status, action }, 'payout retried by an operator');
  return { id, status, action };
}

export async function retryAllPayouts(
  ctx: AppContext,
): Promise<Array<{ id: string; status?: PayoutStatus; action?: string; error?: string }>> {
  const rows = await listPayouts(ctx.db, { status: ['FAILED_RETRYABLE'], limit: 1000 });
  const out = [];
  // Oldest first: signed ones must reach the chain in nonce order.
  for (const row of rows.reverse()) {
    try {
      out.push(await retryPayout(ctx, row.id));
    } catch (error) {
      out.push({ id: row.id, error: (error as Error).message });
    }
  }
  return out;
}

function parseNetwork(text: string | undefined): Network {
  const network = text?.toUpperCase();
  if (!network || !(NETWORKS as readonly string[]).includes(network))
    throw new OperationError(`NETWORK must be one of ${NETWORKS.join(', ')}`);
  return network as Network;
}

/**
 * After transactions were sent from the hot wallet outside onramp: continue from the chain's pending
 * nonce (or past the last nonce onramp assigned, whichever is later) and lift the halt.
 */
export async function resyncNonce(ctx: AppContext, networkText: string | undefined) {
  const network = parseNetwork(networkText);
  const hot = ctx.chains.hotWallet(network);
  const sender = await getSender(ctx.db, network, hot.address);
  if (!sender) throw new OperationError(`no payouts were ever sent on ${network}`);
  const chainNonce = BigInt(
    await ctx.chains.publicClient(network).getTransactionCount({ address: hot.address, blockTag: 'pending' }),
  );
  const maxRow = await ctx.db
    .selectFrom('payouts')
    .select((eb) => eb.fn.max('nonce').as('n'))
    .where('network', '=', network)
    .where('from_address', '=', hot.address)
    .executeTakeFirst();
  const assigned = maxRow?.n === null || maxRow?.n === undefined ? 0n : BigInt(maxRow.n) + 1n;
  const next = chainNonce > assigned ? chainNonce : assigned;
  await ctx.db
    .updateTable('hot_wallets')
    .set({ next_nonce: next, halted_reason: null, updated_at: ctx.clock.now() })
    .where('network', '=', network)
    .where('address', '=', hot.address)
    .execute();
  await ctx.jobs.send(SEND_QUEUE, { network });
  ctx.log.warn(
    { network, previous: sender.next_nonce?.toString() ?? null, next: next.toString() },
    'payout nonce resynchronised by an operator',
  );
  return {
    network,
    hotWallet: hot.address,
    previousNextNonce: sender.next_nonce?.toString() ?? null,
    nextNonce: next.toString(),
    wasHalted: sender.halted_reason,
  };
}

/**
 * Fills nonces that no payout holds between the chain's pending nonce and the next nonce onramp
 * assigns, with zero-value transfers from the hot wallet to itself, so the transactions after them
 * can be mined; then lifts the halt.
 */
export async function fillNonceGap(ctx: AppContext, networkText: string | undefined) {
  const network = parseNetwork(networkText);
  const hot = ctx.chains.hotWallet(network);
  const sender = await getSender(ctx.db, network, hot.address);
  if (!sender || sender.next_nonce === null) throw new OperationError(`no payouts were ever sent on ${network}`);
  const client = ctx.chains.publicClient(network);
  const chainNonce = BigInt(await client.getTransactionCount({ address: hot.address, blockTag: 'pending' }));
  const next = sender.next_nonce;
  const held = new Set((await noncesInRange(ctx.db, network, hot.address, chainNonce, next)).map(String));
  const fees = await client.estimateFeesPerGas({ type: 'eip1559' });
  const filled: Array<{ nonce: string; transactionHash: Hash; outcome: string }> = [];
  for (let n = chainNonce; n < next; n++) {
    if (held.has(n.toString())) continue;
    if (filled.length >= 100)
      throw new OperationError('more than 100 missing nonces: check the database against the chain before filling');
    const raw = (await hot.account.signTransaction({
      type: 'eip1559',
      chainId: ctx.chains.chainId(network),
      nonce: Number(n),
      to: hot.address,
      value: 0n,
      gas: 21_000n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    })) as Hex;
    const outcome = await broadcastRaw(ctx, network, raw);
    filled.push({ nonce: n.toString(), transactionHash: keccak256(raw), outcome: outcome.kind });
  }
  await ctx.db
    .updateTable('hot_wallets')
    .set({ halted_reason: null, updated_at: ctx.clock.now() })
    .where('network', '=', network)
    .where('address', '=', hot.address)
    .execute();
  await ctx.jobs.send(SEND_QUEUE, { network });
  ctx.log.warn({ network, filled }, 'payout nonce gap filled by an operator');
  return { network, hotWallet: hot.address, filled };
}
