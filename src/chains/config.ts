// Chain settings: per-network RPC, chain id, USDC contract and confirmations (production), the hot wallet's key,
// and JSON-RPC timeouts. Sandbox mode runs its own chains and refuses the production-only variables.
import { checksumAddress, isHexAddress, SECP256K1_N } from '../lib/evm-address.ts';
import type { EnvReader, Mode } from '../config.ts';
import { NETWORKS, type Network } from './networks.ts';

/** One production network: where to reach it and what to expect there. */
export interface ChainNetworkConfig {
  /** JSON-RPC endpoint; often carries an API key, so it is never logged whole. */
  rpcUrl: string;
  chainId: number;
  /** The USDC contract on this network. */
  usdcAddress: `0x${string}`;
  /** Blocks (the transaction's own included) before a payout counts as final. */
  confirmations: number;
}

export interface ChainsConfig {
  /** Production only, every network required; sandbox mode runs its own chains instead. */
  networks: Record<Network, ChainNetworkConfig> | undefined;
  /** Production only: the hot wallet that signs payouts. A secret: never logged. */
  hotWallet: { privateKey: `0x${string}` } | undefined;
  /** Per JSON-RPC request. */
  rpcTimeoutMs: number;
  /** Retries of a failed JSON-RPC request (viem backs off exponentially between them). */
  rpcRetryCount: number;
}

function chainEnvNames(network: Network) {
  return {
    rpcUrl: `ONRAMP_${network}_RPC_URL`,
    chainId: `ONRAMP_${network}_CHAIN_ID`,
    usdcAddress: `ONRAMP_${network}_USDC_ADDRESS`,
    confirmations: `ONRAMP_${network}_CONFIRMATIONS`,
  };
}

const EXAMPLES: Record<Network, { rpcUrl: string; chainId: string; usdc: string; confirmations: string }> = {
  ETHEREUM: {
    rpcUrl: 'https://eth-mainnet.g.alchemy.com/v2/YOUR_API_KEY',
    chainId: '1',
    usdc: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
    confirmations: '12',
  },
  POLYGON: {
    rpcUrl: 'https://polygon-mainnet.g.alchemy.com/v2/YOUR_API_KEY',
    chainId: '137',
    usdc: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359',
    confirmations: '64',
  },
};

/** An RPC URL often carries an API key in its path, so a bad one is never echoed. */
function rpcUrlFrom(r: EnvReader, network: Network, name: string): string | undefined {
  const value = r.secret(
    name,
    {
      doc: `production: the ${network} JSON-RPC endpoint (your node or provider; often carries an API key, so it is never logged)`,
      example: EXAMPLES[network].rpcUrl,
    },
    'URL (https:// or http://)',
  );
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return value;
  } catch {
    // reported below
  }
  r.problems.push(`${name}: must be an http:// or https:// URL (value not shown: it may hold an API key)`);
  return undefined;
}

function readChainNetwork(r: EnvReader, network: Network): ChainNetworkConfig | undefined {
  const names = chainEnvNames(network);
  const example = EXAMPLES[network];
  const why = 'in production mode (sandbox mode runs its own chains)';
  const rpcUrl = rpcUrlFrom(r, network, names.rpcUrl);
  r.require(names.rpcUrl, rpcUrl, why);
  const chainId = r.optionalInt(names.chainId, 1, Number.MAX_SAFE_INTEGER, {
    doc: `production: the ${network} chain id (mainnet ${example.chainId}, or a testnet's); at start the server checks the endpoint serves it`,
    example: example.chainId,
  });
  r.require(names.chainId, chainId, why);
  const usdcText = r.optional(names.usdcAddress, {
    doc: `production: the USDC contract on ${network}`,
    example: example.usdc,
  });
  r.require(names.usdcAddress, usdcText, why);
  let usdcAddress: `0x${string}` | undefined;
  if (usdcText !== undefined) {
    if (isHexAddress(usdcText)) usdcAddress = checksumAddress(usdcText);
    else r.problems.push(`${names.usdcAddress}: must be a 0x-prefixed 20-byte hex address (got "${usdcText}")`);
  }
  const confirmations = r.optionalInt(names.confirmations, 1, 10_000, {
    doc: `production: blocks on ${network}, the transaction's own included, before a payout counts as final`,
    example: example.confirmations,
  });
  r.require(names.confirmations, confirmations, why);
  if (rpcUrl === undefined || chainId === undefined || usdcAddress === undefined || confirmations === undefined)
    return undefined;
  return { rpcUrl, chainId, usdcAddress, confirmations };
}

function readHotWalletKey(r: EnvReader): `0x${string}` | undefined {
  const name = 'ONRAMP_HOT_WALLET_PRIVATE_KEY';
  const raw = r.secret(
    name,
    {
      doc: 'production: the secp256k1 key of the hot wallet that signs payouts on both networks (fund it with ETH, POL and USDC); `npm run cli -- keys generate --hot-wallet` makes one',
      example: '',
    },
    '32 bytes of hex',
  );
  r.require(name, raw, 'in production mode (the hot wallet that signs payouts)');
  if (raw === undefined) return undefined;
  const hex = raw.startsWith('0x') ? raw.slice(2) : raw;
  // The message never echoes the value: it is a secret even when malformed.
  if (!/^[0-9a-fA-F]{64}$/.test(hex) || BigInt(`0x${hex}`) === 0n || BigInt(`0x${hex}`) >= SECP256K1_N) {
    r.problems.push(`${name}: must be a secp256k1 private key, 32 bytes of hex (value not shown)`);
    return undefined;
  }
  return `0x${hex.toLowerCase()}`;
}

export function readChainsConfig(r: EnvReader, mode: Mode): ChainsConfig {
  const common = {
    rpcTimeoutMs: r.int('ONRAMP_CHAIN_RPC_TIMEOUT_MS', 10_000, 100, 120_000, 'per JSON-RPC request'),
    rpcRetryCount: r.int(
      'ONRAMP_CHAIN_RPC_RETRY_COUNT',
      2,
      0,
      10,
      'retries of a failed JSON-RPC request (timeouts, network errors, 408/413/429/5xx), with exponential back-off',
    ),
  };
  if (mode === 'sandbox') {
    // Production chain settings in sandbox mode would silently do nothing: say so instead.
    for (const name of [...NETWORKS.flatMap((n) => Object.values(chainEnvNames(n))), 'ONRAMP_HOT_WALLET_PRIVATE_KEY']) {
      if (r.raw(name) !== undefined)
        r.problems.push(
          `${name}: is used only in production mode; the sandbox runs its own chains (unset it or set ONRAMP_MODE=production)`,
        );
    }
    return { ...common, networks: undefined, hotWallet: undefined };
  }
  const ethereum = readChainNetwork(r, 'ETHEREUM');
  const polygon = readChainNetwork(r, 'POLYGON');
  if (ethereum && polygon && ethereum.chainId === polygon.chainId) {
    r.problems.push('ONRAMP_POLYGON_CHAIN_ID: must differ from ONRAMP_ETHEREUM_CHAIN_ID');
  }
  const privateKey = readHotWalletKey(r);
  return {
    ...common,
    networks: ethereum && polygon ? { ETHEREUM: ethereum, POLYGON: polygon } : undefined,
    hotWallet: privateKey ? { privateKey } : undefined,
  };
}
