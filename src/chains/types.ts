// The chain layer every module uses, in both modes: production talks to the configured JSON-RPC
// endpoints; sandbox mode runs two in-process EVM chains (src/sandbox/chains). Domain code sees only
// this interface and never asks which one it has.
import type { Address, Chain, LocalAccount, PublicClient, Transport, WalletClient } from 'viem';
import type { Network } from './networks.ts';

export { NETWORKS, type Network } from './networks.ts';

export type ChainPublicClient = PublicClient<Transport, Chain>;
export type HotWalletClient = WalletClient<Transport, Chain, LocalAccount>;

/** The account payouts are sent from, and a client that signs with it locally and sends raw transactions. */
export interface HotWallet {
  address: Address;
  account: LocalAccount;
  client: HotWalletClient;
}

export interface Chains {
  /** The viem chain definition (id, name, native currency, RPC URL) of `network`. */
  chain(network: Network): Chain;
  chainId(network: Network): number;
  /** Reads: balances, receipts, contract calls, and signature checks (ERC-1271 / ERC-6492 via verifyMessage). */
  publicClient(network: Network): ChainPublicClient;
  hotWallet(network: Network): HotWallet;
  /** The USDC ERC-20 contract on `network` (6 decimals). */
  usdcAddress(network: Network): Address;
  /** Blocks, the transaction's own included, before a payout counts as final. */
  confirmations(network: Network): number;
  /**
   * Makes the chains usable now rather than on first use: sandbox mode starts its chains (replaying
   * their history); production checks that each endpoint serves the configured chain id.
   */
  start(): Promise<void>;
  /**
   * Whether `network` can be read without starting anything: always for production's endpoints; in
   * sandbox mode only once the in-process chains have started (a read before that starts them, which
   * a gauge refresh should not do in an idle sandbox).
   */
  started(network: Network): boolean;
  close(): Promise<void>;
}
