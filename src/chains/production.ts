// Production chains: the JSON-RPC endpoints, chain ids, USDC contracts and confirmation depths of
// config.chains, and one hot-wallet key that signs on every network. Nothing is contacted until
// used, except by start(), which checks that each endpoint serves the configured chain.
import type { Logger } from 'pino';
import { createPublicClient, createWalletClient, defineChain, type Address, type Chain } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ChainNetworkConfig, ChainsConfig } from './config.ts';
import { NATIVE_CURRENCY, NETWORKS, type Network } from './networks.ts';
import { displayRpcUrl, rpcTransport } from './rpc-transport.ts';
import type { ChainPublicClient, Chains, HotWallet } from './types.ts';

interface Entry {
  config: ChainNetworkConfig;
  chain: Chain;
  publicClient: ChainPublicClient;
  hotWallet: HotWallet;
}

export class ProductionChains implements Chains {
  private readonly entries: Record<Network, Entry>;

  constructor(
    config: ChainsConfig,
    private readonly log: Logger,
  ) {
    if (!config.networks || !config.hotWallet)
      throw new Error(
        'production chains need config.chains.networks and config.chains.hotWallet (loadConfig requires them)',
      );
    const account = privateKeyToAccount(config.hotWallet.privateKey);
    const entry = (network: Network): Entry => {
      const net = config.networks![network];
      // The chain definition is handed to callers, so it carries the display form of the URL only.
      const chain = defineChain({
        id: net.chainId,
        name: network === 'ETHEREUM' ? 'Ethereum' : 'Polygon',
        nativeCurrency: NATIVE_CURRENCY[network],
        rpcUrls: { default: { http: [displayRpcUrl(net.rpcUrl)] } },
      });
      const transport = rpcTransport(net.rpcUrl, { timeoutMs: config.rpcTimeoutMs, retryCount: config.rpcRetryCount });
      return {
        config: net,
        chain,
        publicClient: createPublicClient({ chain, transport }),
        hotWallet: { address: account.address, account, client: createWalletClient({ chain, transport, account }) },
      };
    };
    this.entries = { ETHEREUM: entry('ETHEREUM'), POLYGON: entry('POLYGON') };
  }

  chain(network: Network): Chain {
    return this.entries[network].chain;
  }

  chainId(network: Network): number {
    return this.entries[network].config.chainId;
  }

  publicClient(network: Network): ChainPublicClient {
    return this.entries[network].publicClient;
  }

  hotWallet(network: Network): HotWallet {
    return this.entries[network].hotWallet;
  }

  usdcAddress(network: Network): Address {
    return this.entries[network].config.usdcAddress;
  }

  confirmations(network: Network): number {
    return this.entries[network].config.confirmations;
  }

  /**
   * A wrong chain id is a misconfiguration that would send money to the wrong place: refuse to
   * start. An endpoint that does not answer is an outage, not a misconfiguration: warn and go on
   * (payouts retry), so the API stays up for everything else.
   */
  async start(): Promise<void> {
    this.log.info(
      {
        hotWallet: this.entries.ETHEREUM.hotWallet.address,
        networks: Object.fromEntries(
          NETWORKS.map((n) => [
            n,
            {
              chainId: this.chainId(n),
              rpc: displayRpcUrl(this.entries[n].config.rpcUrl),
              usdc: this.usdcAddress(n),
              confirmations: this.confirmations(n),
            },
          ]),
        ),
      },
      'production chains',
    );
    await Promise.all(
      NETWORKS.map(async (network) => {
        const { config, publicClient } = this.entries[network];
        let served: number;
        try {
          served = await publicClient.getChainId();
        } catch (error) {
          this.log.warn(
            { network, rpc: displayRpcUrl(config.rpcUrl), err: error },
            'chain RPC endpoint did not answer at start',
          );
          return;
        }
        if (served !== config.chainId) {
          throw new Error(
            `ONRAMP_${network}_CHAIN_ID is ${config.chainId} but ${displayRpcUrl(config.rpcUrl)} serves chain ${served}`,
          );
        }
      }),
    );
  }

  started(_network: Network): boolean {
    return true;
  }

  async close(): Promise<void> {
    // http transports hold no connections of their own (fetch's pool closes with the process).
  }
}
