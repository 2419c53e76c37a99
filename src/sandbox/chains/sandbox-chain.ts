// One in-process sandbox chain (an EDR simulated network from Hardhat 3) and the log that lets it be
// rebuilt: every signed transaction it accepts is recorded, in order, with the timestamp its block got,
// and replayed the same way at the next start. Block per transaction (automine), so a receipt exists
// as soon as eth_sendRawTransaction returns.
import type { EthereumProvider } from 'hardhat/types/providers';
import type { Logger } from 'pino';
import type { Hash, Hex } from 'viem';
import type { Network } from '../../chains/networks.ts';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordedTransactions, recordTransaction } from './repository.ts';
import type { SandboxTxSource } from './tables.ts';

export interface RpcCall {
  method: string;
  params?: readonly unknown[] | object;
}

/** A JSON-RPC error with its code (EIP-1474), as EIP-1193 providers throw them. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

// Submissions wait their turn (order is what replay reproduces); past this many waiting, refuse.
const MAX_PENDING_SUBMISSIONS = 1_000;
const REPLAY_PAGE = 500;

export interface SandboxChainDeps {
  db: Db;
  clock: Clock;
  log: Logger;
}

export class SandboxChain {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private nextSeq = 1n;
  /** The timestamp of the latest block: the next one may not be earlier. */
  private lastTimestamp = 0;
  private closing = false;

  constructor(
    readonly network: Network,
    readonly chainId: number,
    readonly provider: EthereumProvider,
    private readonly close_: () => Promise<void>,
    private readonly deps: SandboxChainDeps,
  ) {}

  /** A request from this server's own clients: raw transactions are recorded, everything else goes to the EVM. */
  async request(call: RpcCall, source: SandboxTxSource): Promise<unknown> {
    if (call.method === 'eth_sendRawTransaction') {
      const raw = Array.isArray(call.params) ? (call.params[0] as unknown) : undefined;
      if (typeof raw !== 'string' || !/^0x(?:[0-9a-fA-F]{2})+$/.test(raw)) {
        throw new RpcError(
          -32602,
          'eth_sendRawTransaction takes one parameter: the signed transaction as 0x-prefixed hex',
        );
      }
      return this.sendRawTransaction(raw as Hex, source);
    }
    return this.provider.request(call);
  }

  /** Mines `raw` in a block of its own, timestamped by the sandbox clock, and records it for replay. */
  sendRawTransaction(raw: Hex, source: SandboxTxSource): Promise<Hash> {
    if (this.closing) return Promise.reject(new RpcError(-32603, `the ${this.network} sandbox chain is shutting down`));
    if (this.pending >= MAX_PENDING_SUBMISSIONS) {
      return Promise.reject(
        new RpcError(-32005, `too many transactions waiting for the ${this.network} sandbox chain; retry shortly`),
      );
    }
    return this.serially(async () => {
      const timestamp = Math.max(Math.floor(this.deps.clock.now().getTime() / 1000), this.lastTimestamp);
      const hash = await this.mineAt(raw, timestamp);
      this.lastTimestamp = timestamp;
      const seq = this.nextSeq++;
      try {
        await recordTransaction(this.deps.db, {
          network: this.network,
          seq,
          txHash: hash,
          rawTx: raw,
          blockTimestamp: timestamp,
          source,
        });
      } catch (error) {
        // The transaction is on the chain already; failing the caller would hide that. Without its
        // row it will be missing after a restart, and so will anything that depended on it.
        this.deps.log.error(
          { network: this.network, txHash: hash, seq: seq.toString(), err: error },
          'sandbox chain: transaction mined but not recorded; it will be lost at restart',
        );
      }
      return hash;
    });
  }

  /** Rebuilds the chain from the recorded transactions. A transaction that no longer replays is logged and skipped. */
  async replay(): Promise<{ replayed: number; failed: number }> {
    let after = 0n;
    let replayed = 0;
    let failed = 0;
    for (;;) {
      const rows = await recordedTransactions(this.deps.db, this.network, after, REPLAY_PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        try {
          const hash = await this.mineAt(row.rawTx, Math.max(row.blockTimestamp, this.lastTimestamp));
          if (hash.toLowerCase() !== row.txHash) throw new Error(`replay gave hash ${hash}`);
          replayed++;
        } catch (error) {
          failed++;
          this.deps.log.error(
            { network: this.network, seq: row.seq.toString(), txHash: row.txHash, err: error },
            'sandbox chain: a recorded transaction did not replay',
          );
        }
        this.lastTimestamp = Math.max(this.lastTimestamp, row.blockTimestamp);
        after = row.seq;
      }
    }
    this.nextSeq = after + 1n;
    const latest = (await this.provider.request({ method: 'eth_getBlockByNumber', params: ['latest', false] })) as {
      timestamp: Hex;
    };
    this.lastTimestamp = Math.max(this.lastTimestamp, Number(BigInt(latest.timestamp)));
    return { replayed, failed };
  }

  /** Waits for submissions under way, then stops the EVM. */
  async close(): Promise<void> {
    this.closing = true;
    await this.queue;
    await this.close_();
  }

  private async mineAt(raw: Hex, timestamp: number): Promise<Hash> {
    await this.provider.request({ method: 'evm_setNextBlockTimestamp', params: [timestamp] });
    return (await this.provider.request({ method: 'eth_sendRawTransaction', params: [raw] })) as Hash;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(task, task).finally(() => {
      this.pending--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
