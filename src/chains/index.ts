// Chooses the chain layer from config at start: production's JSON-RPC endpoints, or the sandbox's
// in-process chains (loaded only in sandbox mode, so production never loads Hardhat), or another
// sandbox process's chains over JSON-RPC (ONRAMP_SANDBOX_URL, several processes on PostgreSQL).
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { KeyRing } from '../lib/crypto.ts';
import { ProductionChains } from './production.ts';
import type { Chains } from './types.ts';

export type { Chains, ChainPublicClient, HotWallet, HotWalletClient } from './types.ts';
export { NETWORKS, type Network } from './networks.ts';

export interface ChainsDeps {
  config: Config;
  db: Db;
  keyring: KeyRing;
  clock: Clock;
  log: Logger;
}

export async function createChains(deps: ChainsDeps): Promise<Chains> {
  if (deps.config.mode === 'production') return new ProductionChains(deps.config.chains, deps.log);
  const ownerUrl = deps.config.ops.sandboxUrl;
  if (ownerUrl !== undefined) {
    const { remoteSandboxChains } = await import('../sandbox/chains/remote.ts');
    return remoteSandboxChains(deps, ownerUrl);
  }
  const { SandboxChains } = await import('../sandbox/chains/sandbox-chains.ts');
  return SandboxChains.open(deps);
}
