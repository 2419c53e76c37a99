// The sandbox chains' accounts, derived from one random seed kept (encrypted) in the database, so the
// same database always yields the same accounts, contract addresses and transaction hashes. These
// keys exist only for the sandbox chains: never fund their addresses on a real network.
import { createHmac } from 'node:crypto';
import type { Hex } from 'viem';

export const SANDBOX_ROLES = ['deployer', 'faucet', 'hot-wallet'] as const;
/**
 * deployer: deploys the sandbox contracts and mints USDC, nothing else, so its nonces (and with them
 *   the contract addresses) are fixed. faucet: funds test accounts. hot-wallet: delivers purchases.
 */
export type SandboxRole = (typeof SANDBOX_ROLES)[number];

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function deriveSandboxKey(seed: Buffer, role: SandboxRole): Hex {
  for (let counter = 0; ; counter++) {
    const candidate = createHmac('sha256', seed).update(`onramp sandbox chains/${role}/${counter}`).digest('hex');
    const value = BigInt(`0x${candidate}`);
    // Out of range with probability ~2^-128; the loop is for correctness, not expected to turn.
    if (value > 0n && value < SECP256K1_N) return `0x${candidate}`;
  }
}
