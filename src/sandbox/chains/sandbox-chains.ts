// Sandbox mode's chains: two in-process EVM chains (Hardhat 3 / EDR), ETHEREUM and POLYGON, behind
// the same Chains interface as production. Accounts derive from a seed in the database; at first
// start the USDC-like token and the smart-wallet factory are deployed and the hot wallet is funded;
// at every later start the recorded transactions are replayed (docs/chains.md).
//
// The chains start on first use (or when start() is called): an app that never touches a chain,
// such as most test files, the operator CLI and an idle `npm start`, never pays for them (Hardhat/EDR
// and the replay: most of a second and ~55 MB resident).
import { fileURLToPath } from 'node:url';
import type { EdrNetworkUserConfig } from 'hardhat/types/config';
import type { Logger } from 'pino';
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  getContractAddress,
  keccak256,
  parseAbi,
  parseEther,
  stringToHex,
  type Address,
  type Chain,
  type Hash,
  type LocalAccount,
  type Transport,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Network } from '../../chains/networks.ts';
import { NATIVE_CURRENCY, NETWORKS } from '../../chains/networks.ts';
import type { ChainPublicClient, Chains, HotWallet, HotWalletClient } from '../../chains/types.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { KeyRing } from '../../lib/crypto.ts';
import { loadSandboxArtifacts } from './compile.ts';
import { deriveSandboxKey, type SandboxRole } from './keys.ts';
import { loadOrCreateChainState, type SandboxChainState } from './repository.ts';
import { SandboxChain, type RpcCall } from './sandbox-chain.ts';
import type { SandboxTxSource } from './tables.ts';

/**
 * Chain ids of the sandbox chains: 31337 is the id every local development chain uses (Hardhat,
 * Anvil), so wallets and tools know it for what it is. Recorded transactions embed the chain id
 * (EIP-155), so changing these invalidates every sandbox database's history.
 */
export const SANDBOX_CHAIN_IDS: Record<Network, number> = { ETHEREUM: 31337, POLYGON: 31338 };

/** Sandbox confirmations: a mined block is final (no reorgs, and blocks come only with transactions). */
export const SANDBOX_CONFIRMATIONS = 1;

// Genesis balances. The deployer only pays for deployments and mints.
const GENESIS_WEI: Record<SandboxRole, bigint> = {
  deployer: parseEther('100'),
  faucet: parseEther('1000000000'),
  'hot-wallet': parseEther('1000000'),
};
export const HOT_WALLET_USDC_UNITS = 1_000_000_000n * 10n ** 6n;
export const FAUCET_USDC_UNITS = 1_000_000_000_000n * 10n ** 6n;

const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Pinned so an upgrade of Hardhat/EDR does not change gas costs and with them replayed state. */
const HARDFORK = 'osaka';

const usdcMintAbi = parseAbi(['function mint(address to, uint256 value)']);

export interface SandboxChainsDeps {
  config: Config;
  db: Db;
  keyring: KeyRing;
  clock: Clock;
  log: Logger;
}

export class SandboxChains implements Chains {
  readonly accounts: Record<SandboxRole, LocalAccount>;
  /** Contract addresses, the same on both chains (same deployer, same nonces). */
  readonly contracts: { usdc: Address; smartWalletFactory: Address };
  private readonly definitions: Record<Network, Chain>;
  private readonly publicClients: Record<Network, ChainPublicClient>;
  private readonly hotWallets: Record<Network, HotWallet>;
  private starting: Promise<Record<Network, SandboxChain>> | undefined;
  /** Set once the start has finished (both chains start together). */
  private running = false;
  private closed = false;

  /** Reads (or creates) the sandbox seed; the chains themselves start later. */
  static async open(deps: SandboxChainsDeps): Promise<SandboxChains> {
    return new SandboxChains(deps, await loadOrCreateChainState(deps.db, deps.keyring, deps.clock.now()));
  }

  private constructor(
    private readonly deps: SandboxChainsDeps,
    private readonly state: SandboxChainState,
  ) {
    const account = (role: SandboxRole) => privateKeyToAccount(deriveSandboxKey(state.seed, role));
    this.accounts = { deployer: account('deployer'), faucet: account('faucet'), 'hot-wallet': account('hot-wallet') };
    const deployer = this.accounts.deployer.address;
    this.contracts = {
      usdc: getContractAddress({ from: deployer, nonce: 0n }),
      smartWalletFactory: getContractAddress({ from: deployer, nonce: 1n }),
    };
    const base = deps.config.http.publicUrl;
    const define = (network: Network) =>
      defineChain({
        id: SANDBOX_CHAIN_IDS[network],
        name: `onramp sandbox ${network === 'ETHEREUM' ? 'Ethereum' : 'Polygon'}`,
        nativeCurrency: NATIVE_CURRENCY[network],
        rpcUrls: { default: { http: [`${base}/sandbox/rpc/${network.toLowerCase()}`] } },
        testnet: true,
      });
    this.definitions = { ETHEREUM: define('ETHEREUM'), POLYGON: define('POLYGON') };
    const clients = (network: Network) => {
      const transport = this.lazyTransport(network, 'SERVER');
      const chain = this.definitions[network];
      const hot = this.accounts['hot-wallet'];
      return {
        publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }),
        hotWallet: {
          address: hot.address,
          account: hot,
          client: createWalletClient({ chain, transport, account: hot, pollingInterval: 250 }),
        },
      };
    };
    const eth = clients('ETHEREUM');
    const pol = clients('POLYGON');
    this.publicClients = { ETHEREUM: eth.publicClient, POLYGON: pol.publicClient };
    this.hotWallets = { ETHEREUM: eth.hotWallet, POLYGON: pol.hotWallet };
  }

  chain(network: Network): Chain {
    return this.definitions[network];
  }

  chainId(network: Network): number {
    return SANDBOX_CHAIN_IDS[network];
  }

  publicClient(network: Network): ChainPublicClient {
    return this.publicClients[network];
  }

  hotWallet(network: Network): HotWallet {
    return this.hotWallets[network];
  }

  usdcAddress(_network: Network): Address {
    return this.contracts.usdc;
  }

  confirmations(_network: Network): number {
    return SANDBOX_CONFIRMATIONS;
  }

  async start(): Promise<void> {
    await this.chains();
  }

  started(_network: Network): boolean {
    return this.running;
  }

  /** A wallet client for any sandbox account (tests sign with their own keys); its raw transactions are recorded. */
  walletClient(network: Network, account: LocalAccount): HotWalletClient {
    return createWalletClient({
      chain: this.definitions[network],
      transport: this.lazyTransport(network, 'SERVER'),
      account,
      pollingInterval: 250,
    });
  }

  /** Sends ETH (wei) and USDC (6-decimal units) from the sandbox faucet, waiting until both are mined. */
  async fund(network: Network, to: Address, amounts: { wei?: bigint; usdcUnits?: bigint }): Promise<Hash[]> {
    const faucet = this.walletClient(network, this.accounts.faucet);
    const client = this.publicClient(network);
    const hashes: Hash[] = [];
    if (amounts.wei) hashes.push(await faucet.sendTransaction({ to, value: amounts.wei }));
    if (amounts.usdcUnits) {
      const usdcTransferAbi = parseAbi(['function transfer(address to, uint256 value) returns (bool)']);
      hashes.push(
        await faucet.writeContract({
          address: this.contracts.usdc,
          abi: usdcTransferAbi,
          functionName: 'transfer',
          args: [to, amounts.usdcUnits],
        }),
      );
    }
    for (const hash of hashes) {
      const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
      if (receipt.status !== 'success') throw new Error(`sandbox faucet transaction ${hash} reverted`);
    }
    return hashes;
  }

  /** A call from the public JSON-RPC endpoint (already checked against the policy in rpc.ts). */
  async rpcRequest(network: Network, call: RpcCall): Promise<unknown> {
    return (await this.chains())[network].request(call, 'RPC');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.starting) return;
    const started = await this.starting.catch(() => undefined);
    if (started) await Promise.all(NETWORKS.map((n) => started[n].close()));
  }

  private chains(): Promise<Record<Network, SandboxChain>> {
    if (this.closed) return Promise.reject(new Error('the sandbox chains are closed'));
    // A failed start (the database unreachable, say) is not kept: the next use tries again.
    this.starting ??= this.startChains().then(
      (chains) => {
        this.running = true;
        return chains;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  private lazyTransport(network: Network, source: SandboxTxSource): Transport {
    return custom(
      { request: async (call: RpcCall) => (await this.chains())[network].request(call, source) },
      { retryCount: 0 },
    );
  }

  private async startChains(): Promise<Record<Network, SandboxChain>> {
    const started = performance.now();
    const { createHardhatRuntimeEnvironment } = await import('hardhat/hre');
    // Hardhat wants an npm project root; onramp's own is the natural one (nothing is written to it).
    const hre = await createHardhatRuntimeEnvironment(
      { networks: { ETHEREUM: this.networkConfig('ETHEREUM'), POLYGON: this.networkConfig('POLYGON') } },
      {},
      PACKAGE_ROOT,
    );
    const chains = {} as Record<Network, SandboxChain>;
    try {
      for (const network of NETWORKS) {
        const connection = await hre.network.create({ network, chainType: 'l1' });
        chains[network] = new SandboxChain(
          network,
          SANDBOX_CHAIN_IDS[network],
          connection.provider,
          () => connection.close(),
          this.deps,
        );
      }
      const outcomes = await Promise.all(
        NETWORKS.map(async (network) => ({ network, ...(await this.rebuild(chains[network])) })),
      );
      this.deps.log.info({ ms: Math.round(performance.now() - started), chains: outcomes }, 'sandbox chains started');
    } catch (error) {
      await Promise.all(Object.values(chains).map((c) => c.close().catch(() => undefined)));
      throw error;
    }
    return chains;
  }

  /** Replays the recorded history, then carries out whatever part of the bootstrap is not in it yet. */
  private async rebuild(chain: SandboxChain): Promise<{ replayed: number; failed: number; bootstrapped: number }> {
    const { replayed, failed } = await chain.replay();
    const transport = custom({ request: (call: RpcCall) => chain.request(call, 'BOOTSTRAP') }, { retryCount: 0 });
    const definition = this.definitions[chain.network];
    const reader = createPublicClient({ chain: definition, transport });
    const deployer = createWalletClient({ chain: definition, transport, account: this.accounts.deployer });
    // Each step is the deployer's transaction with that nonce, so the contracts' addresses are fixed
    // and a step is done exactly when the deployer's nonce has passed it.
    const steps: Array<() => Promise<Hash>> = [
      async () => {
        const { SandboxUSDC } = loadSandboxArtifacts();
        return deployer.deployContract({
          abi: SandboxUSDC.abi,
          bytecode: SandboxUSDC.bytecode,
          args: [this.accounts.deployer.address],
        });
      },
      async () => {
        const { SandboxSmartWalletFactory } = loadSandboxArtifacts();
        return deployer.deployContract({
          abi: SandboxSmartWalletFactory.abi,
          bytecode: SandboxSmartWalletFactory.bytecode,
        });
      },
      () =>
        deployer.writeContract({
          address: this.contracts.usdc,
          abi: usdcMintAbi,
          functionName: 'mint',
          args: [this.accounts['hot-wallet'].address, HOT_WALLET_USDC_UNITS],
        }),
      () =>
        deployer.writeContract({
          address: this.contracts.usdc,
          abi: usdcMintAbi,
          functionName: 'mint',
          args: [this.accounts.faucet.address, FAUCET_USDC_UNITS],
        }),
    ];
    const done = await reader.getTransactionCount({ address: this.accounts.deployer.address });
    for (let nonce = done; nonce < steps.length; nonce++) {
      const hash = await steps[nonce]!();
      const receipt = await reader.getTransactionReceipt({ hash });
      if (receipt.status !== 'success')
        throw new Error(`sandbox ${chain.network} bootstrap step ${nonce} (${hash}) reverted`);
    }
    return { replayed, failed, bootstrapped: Math.max(0, steps.length - done) };
  }

  private networkConfig(network: Network): EdrNetworkUserConfig {
    const accounts = (Object.keys(GENESIS_WEI) as SandboxRole[]).map((role) => ({
      privateKey: deriveSandboxKey(this.state.seed, role),
      balance: GENESIS_WEI[role],
    }));
    return {
      type: 'edr-simulated',
      chainType: 'l1',
      chainId: SANDBOX_CHAIN_IDS[network],
      hardfork: HARDFORK,
      accounts,
      initialDate: this.state.genesisTime,
      // Block timestamps follow the sandbox clock, and several transactions can land in one second.
      allowBlocksWithSameTimestamp: true,
      // Like a real node: a reverted transaction is mined and returns its hash; its receipt says failed.
      throwOnTransactionFailures: false,
      throwOnCallFailures: true,
      loggingEnabled: false,
      mining: { auto: true, interval: 0 },
      // Distinct per chain, so the two chains' block hashes differ.
      coinbase: `0x${keccak256(stringToHex(`onramp sandbox coinbase ${network}`)).slice(-40)}`,
    };
  }
}
