// SQL of the sandbox chains: the seed row and the log of accepted transactions.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/index.ts';
import type { KeyRing } from '../../lib/crypto.ts';
import type { Network } from '../../chains/networks.ts';
import type { SandboxTxSource } from './tables.ts';

const SEED_AAD = 'sandbox_chain_state:1';

export interface SandboxChainState {
  seed: Buffer;
  genesisTime: Date;
}

/** The sandbox's seed and genesis time, created on first use; every process sharing the database reads the same row. */
export async function loadOrCreateChainState(db: Db, keyring: KeyRing, now: Date): Promise<SandboxChainState> {
  const encrypted = keyring.encrypt(randomBytes(32).toString('hex'), SEED_AAD);
  // Whole seconds: block timestamps are seconds.
  const genesisTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
  await db
    .insertInto('sandbox_chain_state')
    .values({ id: 1, seed_key_id: encrypted.keyId, seed_ciphertext: encrypted.ciphertext, genesis_time: genesisTime })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db.selectFrom('sandbox_chain_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const seed = Buffer.from(
    keyring.decrypt({ keyId: row.seed_key_id, ciphertext: row.seed_ciphertext }, SEED_AAD),
    'hex',
  );
  return { seed, genesisTime: row.genesis_time };
}

export interface RecordedTransaction {
  seq: bigint;
  txHash: `0x${string}`;
  rawTx: `0x${string}`;
  blockTimestamp: number;
}

export async function recordTransaction(
  db: Db,
  tx: {
    network: Network;
    seq: bigint;
    txHash: string;
    rawTx: `0x${string}`;
    blockTimestamp: number;
    source: SandboxTxSource;
  },
): Promise<void> {
  await db
    .insertInto('sandbox_chain_transactions')
    .values({
      network: tx.network,
      seq: tx.seq,
      tx_hash: tx.txHash.toLowerCase(),
      raw_tx: Buffer.from(tx.rawTx.slice(2), 'hex'),
      block_timestamp: tx.blockTimestamp,
      source: tx.source,
    })
    .execute();
}

/** Recorded transactions of `network` after `afterSeq`, in order, `limit` at a time. */
export async function recordedTransactions(
  db: Db,
  network: Network,
  afterSeq: bigint,
  limit: number,
): Promise<RecordedTransaction[]> {
  const rows = await db
    .selectFrom('sandbox_chain_transactions')
    .select(['seq', 'tx_hash', 'raw_tx', 'block_timestamp'])
    .where('network', '=', network)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    seq: row.seq,
    txHash: row.tx_hash as `0x${string}`,
    rawTx: `0x${Buffer.from(row.raw_tx).toString('hex')}`,
    blockTimestamp: Number(row.block_timestamp),
  }));
}
