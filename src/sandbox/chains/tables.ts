// Tables of the sandbox chains (migration 0060). See docs/chains.md.
import type { Int8, Timestamp } from '../../db/column-types.ts';

export interface SandboxChainStateTable {
  /** Always 1: one sandbox per database. */
  id: number;
  /** The seed the sandbox accounts derive from, encrypted with the keyring (AAD: "sandbox_chain_state:1"). */
  seed_key_id: string;
  seed_ciphertext: string;
  /** The genesis block's timestamp on both chains. */
  genesis_time: Timestamp;
  created_at: Timestamp;
}

export type SandboxTxSource = 'BOOTSTRAP' | 'SERVER' | 'RPC';

export interface SandboxChainTransactionsTable {
  network: 'ETHEREUM' | 'POLYGON';
  /** Order of acceptance on this network, from 1; replayed in this order. */
  seq: Int8;
  tx_hash: string;
  /** The signed transaction exactly as it was submitted. */
  raw_tx: Buffer | Uint8Array;
  /** Unix seconds given to the block that included it. */
  block_timestamp: Int8;
  source: SandboxTxSource;
  created_at: Timestamp;
}

export interface SandboxChainTables {
  sandbox_chain_state: SandboxChainStateTable;
  sandbox_chain_transactions: SandboxChainTransactionsTable;
}
