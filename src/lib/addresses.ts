// Wallet addresses by wallet type. EVM addresses are stored and returned checksummed (EIP-55);
// Solana addresses are base58 encodings of a 32-byte ed25519 public key.
import { base58 } from '@scure/base';
import { checksumAddress, isHexAddress } from './evm-address.ts';

export const WALLET_TYPES = ['EVM', 'SOLANA'] as const;
export type WalletType = (typeof WALLET_TYPES)[number];

/** Legacy `walletNetwork` values map onto wallet types (PRODUCT.md §1). */
export function walletTypeFromNetwork(network: string): WalletType | undefined {
  if (network === 'ETHEREUM' || network === 'POLYGON') return 'EVM';
  if (network === 'SOLANA') return 'SOLANA';
  return undefined;
}

/** The canonical form of `address` for `type`, or undefined when it is not a valid address of that type. */
export function normalizeAddress(type: WalletType, address: string): string | undefined {
  if (type === 'EVM') {
    // Accept all-lower/upper-case input; a mixed-case address must carry a correct checksum.
    if (!isHexAddress(address)) return undefined;
    const mixed = /[a-f]/.test(address.slice(2)) && /[A-F]/.test(address.slice(2));
    const checksummed = checksumAddress(address);
    if (mixed && checksummed !== address) return undefined;
    return checksummed;
  }
  try {
    return base58.decode(address).length === 32 ? address : undefined;
  } catch {
    return undefined;
  }
}

export function solanaPublicKey(address: string): Uint8Array {
  return base58.decode(address);
}
