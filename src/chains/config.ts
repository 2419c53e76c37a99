// Chain settings: per-network RPC, chain id, USDC contract and confirmations (production), the hot wallet's key,
// and JSON-RPC timeouts. Sandbox mode runs its own chains and refuses the production-only variables.
import path from 'node:path';
import { getAddress, isAddress } from 'viem';
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
  /** Sandbox: where compiled sandbox contracts are cached, keyed by a hash of their source. */
  sandboxCacheDir: string;
}

// secp256k1 group order: a private key must lie in [1, n-1].
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function chainEnvNames(network: Network) {
  return {
    rpcUrl: `ONRAMP_${network}_RPC_URL`,
    chainId: `ONRAMP_${network}_CHAIN_ID`,
    usdcAddress: `ONRAMP_${network}_USDC_ADDRESS`,
    confirmations: `ONRAMP_${network}_CONFIRMATIONS`,
  };
}

/** An RPC URL often carries an API key in its path, so a bad one is never echoed. */
function rpcUrlFrom(r: EnvReader, name: string): string | undefined {
  const value = r.raw(name);
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

function requiredInt(r: EnvReader, name: string, min: number, max: number, why: string): number | undefined {
  if (r.raw(name) === undefined) {
    r.require(name, undefined, why);
    return undefined;
  }
  return r.int(name, min, min, max);
}

function readChainNetwork(r: EnvReader, network: Network): ChainNetworkConfig | undefined {
  const names = chainEnvNames(network);
  const why = 'in production mode (sandbox mode runs its own chains)';
  const rpcUrl = rpcUrlFrom(r, names.rpcUrl);
  r.require(names.rpcUrl, r.raw(names.rpcUrl), why);
  const chainId = requiredInt(r, names.chainId, 1, Number.MAX_SAFE_INTEGER, why);
  const usdcText = r.raw(names.usdcAddress);
  r.require(names.usdcAddress, usdcText, why);
  let usdcAddress: `0x${string}` | undefined;
  if (usdcText !== undefined) {
    if (isAddress(usdcText, { strict: false })) usdcAddress = getAddress(usdcText);
    else r.problems.push(`${names.usdcAddress}: must be a 0x-prefixed 20-byte hex address (got "${usdcText}")`);
  }
  const confirmations = requiredInt(r, names.confirmations, 1, 10_000, why);
  if (rpcUrl === undefined || chainId === undefined || usdcAddress === undefined || confirmations === undefined)
    return undefined;
  return { rpcUrl, chainId, usdcAddress, confirmations };
}

function readHotWalletKey(r: EnvReader): `0x${string}` | undefined {
  const name = 'ONRAMP_HOT_WALLET_PRIVATE_KEY';
  const raw = r.raw(name);
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

export function readChainsConfig(r: EnvReader, mode: Mode, stateDir: string): ChainsConfig {
  const common = {
    rpcTimeoutMs: r.int('ONRAMP_CHAIN_RPC_TIMEOUT_MS', 10_000, 100, 120_000),
    rpcRetryCount: r.int('ONRAMP_CHAIN_RPC_RETRY_COUNT', 2, 0, 10),
    sandboxCacheDir: path.resolve(r.string('ONRAMP_SANDBOX_CACHE_DIR', path.join(stateDir, 'cache'))),
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
