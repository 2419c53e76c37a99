// The sender of one network's hot wallet. One process at a time holds its lease (hot_wallets);
// it assigns nonces from the database in order, signs, stores the signed bytes and hash, and only then
// broadcasts. Anything signed is only ever re-broadcast, byte for byte, never signed again with
// another nonce, so a crash at any point cannot send a payout twice (docs/payouts.md).
import { createHash } from 'node:crypto';
import {
  erc20Abi,
  formatEther,
  formatUnits,
  keccak256,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Hash,
  type Hex,
} from 'viem';
import type { Network } from '../../chains/networks.ts';
import type { HotWallet } from '../../chains/types.ts';
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/crypto.ts';
import { CONFIRM_QUEUE, SEND_QUEUE } from './queues.ts';
import {
  acquireLease,
  ensureSender,
  getSender,
  hasReadyWork,
  nextRetryAt,
  noncesInRange,
  readyPending,
  recordAttemptFailure,
  releaseLease,
  renewLease,
  payoutRow,
  signedInNonceOrder,
  type PayoutRow,
} from './repository.ts';
import { classifyBroadcastError, payoutCall, withTimeout, type TransactionCall } from './transaction.ts';
import { enqueueUpdate } from './updates.ts';

/**
 * Fault-injection points for the crash tests (src/modules/payouts/crash-child.ts kills the process here).
 * No-ops otherwise.
 */
export const payoutFaults = {
  afterSign: async (_ids: string[]): Promise<void> => {},
  afterBroadcast: async (_id: string): Promise<void> => {},
};

// A run signs at most this many batches before handing over to a fresh job (keeps jobs short).
const MAX_ROUNDS = 50;

/**
 * One run of the network's sender. When another job or process holds the lease, this run only makes
 * sure someone looks again when that lease would lapse (a dead holder's), and returns: the live
 * holder looks for new work after releasing the lease anyway.
 */
export async function runBroadcaster(ctx: AppContext, network: Network): Promise<void> {
  const hot = ctx.chains.hotWallet(network);
  const cfg = ctx.config.payout;
  await ensureSender(ctx.db, network, hot.address);
  for (let pass = 0; pass < 3; pass++) {
    const token = newId();
    if (!(await acquireLease(ctx.db, network, hot.address, token, cfg.senderLeaseSeconds))) {
      const sender = await getSender(ctx.db, network, hot.address);
      if (sender?.lease_expires_at)
        await wakeAt(ctx, network, 'lease', new Date(sender.lease_expires_at.getTime() + 500));
      return;
    }
    try {
      if (!(await checkNonces(ctx, network, hot, token))) return;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        lastRenewal.set(token, performance.now());
        if (!(await renewLease(ctx.db, network, hot.address, token, cfg.senderLeaseSeconds))) {
          ctx.log.warn({ network }, 'payout sender lost its lease; another process took over');
          return;
        }
        if (!(await senderRound(ctx, network, hot, token))) break;
      }
    } catch (error) {
      // An unreachable node or database: the job is retried (bounded, backing off); say why meanwhile.
      ctx.log.error({ network, err: error }, 'payout sender run failed; retrying');
      throw error;
    } finally {
      lastRenewal.delete(token);
      await releaseLease(ctx.db, network, hot.address, token);
    }
    if (!(await hasReadyWork(ctx.db, network, hot.address))) break;
    if (pass === 2) await ctx.jobs.send(SEND_QUEUE, { network });
  }
  const at = await nextRetryAt(ctx.db, network);
  if (at) await wakeAt(ctx, network, 'retry', new Date(at.getTime() + 100));
}

/** A delayed sender job at `at`; one per distinct (reason, time), however many runs ask for it. */
async function wakeAt(ctx: AppContext, network: Network, reason: string, when: Date): Promise<void> {
  // Whole seconds, so runs that ask at nearly the same moment share one job.
  const at = new Date(Math.ceil(when.getTime() / 1000) * 1000);
  const digest = createHash('sha256').update(`delivery-wake:${network}:${reason}:${at.toISOString()}`).digest('hex');
  const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  await ctx.jobs.send(SEND_QUEUE, { network }, { id, startAfter: at });
}

/**
 * Seeds the wallet's next nonce from the chain the first time, and refuses to go on when the chain
 * and the database disagree in a way that could send twice or never (reported as halted_reason).
 */
async function checkNonces(ctx: AppContext, network: Network, hot: HotWallet, token: string): Promise<boolean> {
  const sender = await getSender(ctx.db, network, hot.address);
  if (!sender) return false;
  if (sender.halted_reason) {
    ctx.log.error(
      { network, hotWallet: hot.address, reason: sender.halted_reason },
      'payout sender halted; see `onramp payouts list`',
    );
    return false;
  }
  const chainNonce = BigInt(
    await ctx.chains.publicClient(network).getTransactionCount({ address: hot.address, blockTag: 'pending' }),
  );
  const halt = async (reason: string, details: Record<string, unknown>) => {
    await ctx.db
      .updateTable('hot_wallets')
      .set({ halted_reason: reason, updated_at: ctx.clock.now() })
      .where('network', '=', network)
      .where('address', '=', hot.address)
      .where('lease_token', '=', token)
      .execute();
    ctx.log.error({ network, hotWallet: hot.address, ...details, reason }, 'payout sender halted');
    return false;
  };
  if (sender.next_nonce === null) {
    await ctx.db
      .updateTable('hot_wallets')
      .set({ next_nonce: chainNonce })
      .where('network', '=', network)
      .where('address', '=', hot.address)
      .where('lease_token', '=', token)
      .where('next_nonce', 'is', null)
      .execute();
    ctx.log.info(
      { network, hotWallet: hot.address, nonce: chainNonce.toString() },
      'payout sender: first nonce taken from the chain',
    );
    return true;
  }
  const next = sender.next_nonce;
  if (chainNonce > next) {
    return halt(
      `the chain's pending nonce ${chainNonce} is ahead of the next nonce onramp would assign (${next}): transactions were sent from the hot wallet outside onramp, or the database is older than the chain. Check the wallet's transactions, then run \`onramp payouts resync-nonce ${network}\``,
      { chainNonce: chainNonce.toString(), next: next.toString() },
    );
  }
  if (chainNonce < next) {
    const held = await noncesInRange(ctx.db, network, hot.address, chainNonce, next);
    const heldSet = new Set(held.map(String));
    const missing: string[] = [];
    for (let n = chainNonce; n < next && missing.length < 20; n++)
      if (!heldSet.has(n.toString())) missing.push(n.toString());
    if (missing.length > 0) {
      return halt(
        `nonce gap: no payout holds nonce(s) ${missing.join(', ')} between the chain's pending nonce ${chainNonce} and ${next}, so later transactions cannot be mined. Fill it with \`onramp payouts fill-gap ${network}\``,
        { chainNonce: chainNonce.toString(), next: next.toString(), missing },
      );
    }
  }
  return true;
}

/** One step: push out signed transactions in nonce order, else sign and send a batch of pending ones. Returns whether it did anything. */
async function senderRound(ctx: AppContext, network: Network, hot: HotWallet, token: string): Promise<boolean> {
  const batch = ctx.config.payout.signBatchSize;
  const signed = await signedInNonceOrder(ctx.db, network, hot.address, batch);
  if (signed.length > 0) {
    for (const row of signed) {
      if (!row.due) return false;
      if ((await broadcastRow(ctx, row)) === 'WAITING') return false;
      if (!(await keepLease(ctx, network, hot, token))) return false;
    }
    return true;
  }
  const pending = await readyPending(ctx.db, network, batch);
  if (pending.length === 0) return false;
  const { prepared, fees } = await prepare(ctx, network, hot, pending);
  if (prepared.length === 0) return true;
  const signedNow = await signAndPersist(ctx, network, hot, token, prepared, fees);
  await payoutFaults.afterSign(signedNow.map((r) => r.id));
  for (const row of signedNow) {
    if ((await broadcastRow(ctx, row)) === 'WAITING') break;
    if (!(await keepLease(ctx, network, hot, token))) return false;
  }
  return true;
}

const lastRenewal = new Map<string, number>();

/**
 * Renews the lease when a third of it has passed since the last renewal, so a slow batch (a loaded
 * machine, a slow node) does not let it lapse. False: another process holds it now; stop.
 */
async function keepLease(ctx: AppContext, network: Network, hot: HotWallet, token: string): Promise<boolean> {
  const seconds = ctx.config.payout.senderLeaseSeconds;
  const now = performance.now();
  if (now - (lastRenewal.get(token) ?? 0) < (seconds * 1000) / 3) return true;
  lastRenewal.set(token, now);
  return renewLease(ctx.db, network, hot.address, token, seconds);
}

interface Prepared {
  row: PayoutRow;
  call: TransactionCall;
  gas: bigint;
}

interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Prices the batch and checks that the hot wallet can pay for it (balances at the pending block, less
 * what earlier payouts of the batch spend). A payout that cannot be paid for now is not signed:
 * it waits for its next attempt with the reason recorded.
 */
async function prepare(
  ctx: AppContext,
  network: Network,
  hot: HotWallet,
  rows: PayoutRow[],
): Promise<{ prepared: Prepared[]; fees: Fees }> {
  const client = ctx.chains.publicClient(network);
  const fees = await feesOf(ctx, network);
  let eth = await client.getBalance({ address: hot.address, blockTag: 'pending' });
  const usdcAddress = ctx.chains.usdcAddress(network);
  let usdc = rows.some((r) => r.asset === 'USDC')
    ? await client.readContract({
        address: usdcAddress,
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [hot.address],
        blockTag: 'pending',
      })
    : 0n;
  const native = ctx.chains.chain(network).nativeCurrency.symbol;
  const out: Prepared[] = [];
  for (const row of rows) {
    const call = payoutCall(ctx.chains, row);
    const amount = row.amount_minor;
    if (row.asset === 'USDC' && usdc < amount) {
      await attemptFailed(
        ctx,
        row,
        'INSUFFICIENT_HOT_WALLET_FUNDS',
        `hot wallet ${hot.address} holds ${formatUnits(usdc, 6)} USDC on ${network}; this payout needs ${formatUnits(amount, 6)} USDC`,
      );
      continue;
    }
    if (call.value > eth) {
      await attemptFailed(
        ctx,
        row,
        'INSUFFICIENT_HOT_WALLET_FUNDS',
        `hot wallet ${hot.address} holds ${formatEther(eth)} ${native} on ${network}; this payout needs ${formatEther(call.value)} ${native} plus the network fee`,
      );
      continue;
    }
    let gas: bigint;
    try {
      const estimate = await client.estimateGas({
        account: hot.address,
        to: call.to,
        value: call.value,
        ...(call.data ? { data: call.data } : {}),
      });
      // A plain transfer to an account costs exactly 21000; contract calls get headroom.
      gas = estimate === 21_000n ? estimate : (estimate * 6n) / 5n;
    } catch (error) {
      await attemptFailed(
        ctx,
        row,
        'GAS_ESTIMATE_FAILED',
        `estimating gas failed: ${classifyBroadcastError(error).kind === 'INSUFFICIENT_FUNDS' ? 'the hot wallet cannot pay for it' : shortMessage(error)}`,
      );
      continue;
    }
    const cost = call.value + gas * fees.maxFeePerGas;
    if (eth < cost) {
      await attemptFailed(
        ctx,
        row,
        'INSUFFICIENT_HOT_WALLET_FUNDS',
        `hot wallet ${hot.address} holds ${formatEther(eth)} ${native} on ${network}; this payout needs up to ${formatEther(cost)} ${native} (amount and network fee)`,
      );
      continue;
    }
    eth -= cost;
    if (row.asset === 'USDC') usdc -= amount;
    out.push({ row, call, gas });
  }
  return { prepared: out, fees };
}

async function feesOf(ctx: AppContext, network: Network): Promise<Fees> {
  const fees = await ctx.chains.publicClient(network).estimateFeesPerGas({ type: 'eip1559' });
  return { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
}

function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return (e.shortMessage ?? e.message ?? String(error)).slice(0, 300);
}

async function attemptFailed(ctx: AppContext, row: PayoutRow, code: string, reason: string): Promise<void> {
  const cfg = ctx.config.payout;
  const outcome = await recordAttemptFailure(ctx.db, row, {
    code,
    reason,
    maxAttempts: cfg.maxAttempts,
    delaySeconds: cfg.retryDelaySeconds,
    now: ctx.clock.now(),
  });
  if (!outcome) return;
  const fields = {
    payoutId: row.id,
    network: row.network,
    asset: row.asset,
    code,
    reason,
    attempts: outcome.attempts,
  };
  if (outcome.status === 'FAILED_RETRYABLE')
    ctx.log.error(fields, 'payout needs an operator: retry it with `onramp payouts retry` once the cause is fixed');
  else ctx.log.warn(fields, 'payout attempt failed; will retry');
}

type SignedRow = PayoutRow & { raw_tx: string; tx_hash: string };

/**
 * Assigns nonces in order and stores each signed transaction, in one transaction that holds the
 * sender row's lock and checks this process still holds the lease: two processes can never assign the
 * same nonce, and nothing is broadcast that is not stored first.
 */
async function signAndPersist(
  ctx: AppContext,
  network: Network,
  hot: HotWallet,
  token: string,
  prepared: Prepared[],
  fees: Fees,
): Promise<SignedRow[]> {
  const chainId = ctx.chains.chainId(network);
  return ctx.db.transaction().execute(async (trx) => {
    const sender = await trx
      .selectFrom('hot_wallets')
      .select('next_nonce')
      .where('network', '=', network)
      .where('address', '=', hot.address)
      .where('lease_token', '=', token)
      .forUpdate()
      .executeTakeFirst();
    if (!sender || sender.next_nonce === null) return [];
    let nonce = sender.next_nonce;
    const now = ctx.clock.now();
    const done: SignedRow[] = [];
    for (const p of prepared) {
      const raw = (await hot.account.signTransaction({
        type: 'eip1559',
        chainId,
        nonce: Number(nonce),
        to: p.call.to,
        value: p.call.value,
        ...(p.call.data ? { data: p.call.data } : {}),
        gas: p.gas,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      })) as Hex;
      const hash = keccak256(raw);
      const updated = await trx
        .updateTable('payouts')
        .set({
          status: 'SIGNED',
          from_address: hot.address,
          nonce,
          tx_hash: hash,
          raw_tx: raw,
          signed_at: now,
          attempts: 0,
          next_attempt_at: null,
          last_error: null,
          updated_at: now,
        })
        .where('id', '=', p.row.id)
        .where('status', '=', 'PENDING')
        .where('attempts', '=', p.row.attempts)
        .returningAll()
        .executeTakeFirst();
      if (!updated) continue;
      done.push(payoutRow(updated) as SignedRow);
      nonce++;
    }
    await trx
      .updateTable('hot_wallets')
      .set({ next_nonce: nonce, updated_at: now })
      .where('network', '=', network)
      .where('address', '=', hot.address)
      .execute();
    return done;
  });
}

/** Is the transaction with this hash known to the node (mined or in its pool)? */
export async function knownOnChain(ctx: AppContext, network: Network, hash: Hash): Promise<boolean> {
  const client = ctx.chains.publicClient(network);
  try {
    await client.getTransactionReceipt({ hash });
    return true;
  } catch (error) {
    if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
  }
  try {
    await client.getTransaction({ hash });
    return true;
  } catch (error) {
    if (error instanceof TransactionNotFoundError) return false;
    throw error;
  }
}

/** Sends the stored bytes again (safe: same hash, same nonce) and reads the node's answer. */
export async function broadcastRaw(ctx: AppContext, network: Network, raw: Hex) {
  try {
    await withTimeout(
      ctx.chains.publicClient(network).request({ method: 'eth_sendRawTransaction', params: [raw] }),
      ctx.config.payout.broadcastTimeoutMs,
      'eth_sendRawTransaction',
    );
    return { kind: 'ACCEPTED' } as const;
  } catch (error) {
    return classifyBroadcastError(error);
  }
}

/** Broadcasts a SIGNED payout and records what happened. 'WAITING': later nonces must wait. */
async function broadcastRow(ctx: AppContext, row: SignedRow | PayoutRow): Promise<'SUBMITTED' | 'SKIPPED' | 'WAITING'> {
  const raw = row.raw_tx as Hex;
  const hash = row.tx_hash as Hash;
  const outcome = await broadcastRaw(ctx, row.network, raw);
  await payoutFaults.afterBroadcast(row.id);
  if (outcome.kind === 'ACCEPTED' || (await knownOnChain(ctx, row.network, hash).catch(() => false))) {
    await markSubmitted(ctx, row);
    return 'SUBMITTED';
  }
  switch (outcome.kind) {
    case 'NONCE_USED': {
      // The nonce went to another transaction (ours is not known by its hash): this payout was not
      // sent and never can be with these bytes. Re-signing is an operator's decision (`retry`).
      const now = ctx.clock.now();
      const reason = `nonce ${row.nonce} of ${row.from_address} was used by another transaction (the node said: ${outcome.message}); this payout was not sent`;
      await ctx.db
        .updateTable('payouts')
        .set({
          status: 'FAILED_RETRYABLE',
          failure_code: 'NONCE_CONSUMED',
          failure_message: reason,
          last_error: reason,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'SIGNED')
        .execute();
      ctx.log.error(
        { payoutId: row.id, network: row.network, nonce: String(row.nonce), txHash: hash },
        'payout nonce used by another transaction; needs an operator',
      );
      return 'SKIPPED';
    }
    case 'INSUFFICIENT_FUNDS':
      await attemptFailed(
        ctx,
        row,
        'INSUFFICIENT_HOT_WALLET_FUNDS',
        `the node refused the transaction for lack of funds in hot wallet ${row.from_address}: ${outcome.message}`,
      );
      return 'WAITING';
    case 'TRANSIENT':
      await attemptFailed(ctx, row, 'BROADCAST_FAILED', `broadcasting failed: ${outcome.message}`);
      return 'WAITING';
    default: {
      const never: never = outcome;
      throw new Error(`unexpected broadcast outcome ${JSON.stringify(never)}`);
    }
  }
}

async function markSubmitted(ctx: AppContext, row: PayoutRow): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('payouts')
      .set({
        status: 'SUBMITTED',
        submitted_at: now,
        attempts: 0,
        next_attempt_at: null,
        last_error: null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'SIGNED')
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return;
    await ctx.jobs.send(CONFIRM_QUEUE, { id: row.id }, { trx });
    await enqueueUpdate(ctx, trx, { id: row.id, status: 'SUBMITTED', transactionHash: row.tx_hash! });
  });
}
