// The sandbox chains of another process. Sandbox chains live in one process (they are in memory and
// replayed from the database, docs/chains.md); with several sandbox processes on one PostgreSQL
// database the others reach them through that process's public JSON-RPC, with the same accounts and
// contract addresses (they derive from the seed in the shared database). The client is the
// production chain adapter itself: over the network, as in production, only the endpoints differ.
import { getContractAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ChainsDeps } from '../../chains/index.ts';
import { NETWORKS, type Network } from '../../chains/networks.ts';
import { ProductionChains } from '../../chains/production.ts';
import type { Chains } from '../../chains/types.ts';
import type { ChainNetworkConfig } from '../../chains/config.ts';
import { deriveSandboxKey } from './keys.ts';
import { loadOrCreateChainState } from './repository.ts';
import { SANDBOX_CHAIN_IDS, SANDBOX_CONFIRMATIONS } from './sandbox-chains.ts';

/** The JSON-RPC path of a sandbox chain under a sandbox process's base URL. */
export function sandboxRpcPath(network: Network): string {
  return `/sandbox/rpc/${network.toLowerCase()}`;
}

export async function remoteSandboxChains(deps: ChainsDeps, ownerUrl: string): Promise<Chains> {
  const { seed } = await loadOrCreateChainState(deps.db, deps.keyring, deps.clock.now());
  const deployer = privateKeyToAccount(deriveSandboxKey(seed, 'deployer')).address;
  // The deployer's first transaction deploys the sandbox USDC (sandbox-chains.ts), on both chains.
  const usdcAddress = getContractAddress({ from: deployer, nonce: 0n });
  const network = (n: Network): ChainNetworkConfig => ({
    rpcUrl: `${ownerUrl}${sandboxRpcPath(n)}`,
    chainId: SANDBOX_CHAIN_IDS[n],
    usdcAddress,
    confirmations: SANDBOX_CONFIRMATIONS,
  });
  const networks = Object.fromEntries(NETWORKS.map((n) => [n, network(n)])) as Record<Network, ChainNetworkConfig>;
  return new ProductionChains(
    { ...deps.config.chains, networks, hotWallet: { privateKey: deriveSandboxKey(seed, 'hot-wallet') } },
    deps.log,
  );
}
