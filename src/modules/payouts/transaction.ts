// The on-chain shape of a payout, and how a node's answer to a broadcast is read.
import { encodeFunctionData, erc20Abi, type Address, type Hex } from 'viem';
import type { Chains } from '../../chains/types.ts';
import type { PayoutRow } from './repository.ts';

export interface TransactionCall {
  to: Address;
  value: bigint;
  data?: Hex;
}

/** ETH: a plain value transfer. USDC: `transfer(to, amount)` on the network's USDC contract. */
export function payoutCall(chains: Chains, row: PayoutRow): TransactionCall {
  const amount = row.amount_minor;
  switch (row.asset) {
    case 'ETH':
      return { to: row.to_address as Address, value: amount };
    case 'USDC':
      return {
        to: chains.usdcAddress(row.network),
        value: 0n,
        data: encodeFunctionData({
          abi: erc20Abi,
          functionName: 'transfer',
          args: [row.to_address as Address, amount],
        }),
      };
    default: {
      const never: never = row.asset;
      throw new Error(`unknown asset ${String(never)}`);
    }
  }
}

export type BroadcastOutcome =
  /** The node took it (or already had it). */
  | { kind: 'ACCEPTED' }
  /** The nonce is used on chain: by this transaction (look it up by hash) or by another one. */
  | { kind: 'NONCE_USED'; message: string }
  | { kind: 'INSUFFICIENT_FUNDS'; message: string }
  /** Timeouts, unreachable node, an earlier nonce not there yet: try the same bytes again later. */
  | { kind: 'TRANSIENT'; message: string };

function messages(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    const fields = e as { shortMessage?: unknown; message?: unknown; details?: unknown; cause?: unknown };
    for (const m of [fields.shortMessage, fields.details, fields.message]) if (typeof m === 'string') parts.push(m);
    e = fields.cause;
  }
  return parts.join(' | ');
}

/** Reads a node's refusal of eth_sendRawTransaction (geth, Erigon, Nethermind, Besu, EDR wordings). */
export function classifyBroadcastError(error: unknown): BroadcastOutcome {
  const text = messages(error);
  const lower = text.toLowerCase();
  const short = text.slice(0, 500);
  if (/already known|known transaction|already imported|alreadyknown|transaction already exists/.test(lower))
    return { kind: 'ACCEPTED' };
  if (
    /nonce too low|nonce has already been used|oldnonce|replacement transaction underpriced|already been mined/.test(
      lower,
    )
  )
    return { kind: 'NONCE_USED', message: short };
  if (/insufficient funds|enough funds|insufficientfunds|balance too low|upfront cost exceeds/.test(lower))
    return { kind: 'INSUFFICIENT_FUNDS', message: short };
  return { kind: 'TRANSIENT', message: short };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
