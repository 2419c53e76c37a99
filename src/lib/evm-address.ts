// EIP-55 checksummed EVM addresses with nothing but keccak-256: the configuration reads addresses at
// start, and the CLI loads the configuration on every command, so it must not load viem (~365 files).
import { randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** 0x and 40 hex digits, in any case (the checksum is not checked). */
export function isHexAddress(value: string): value is `0x${string}` {
  return HEX_ADDRESS.test(value);
}

/** The EIP-55 checksummed form of a 0x-prefixed, 40-hex-digit address. */
export function checksumAddress(address: `0x${string}`): `0x${string}` {
  const hex = address.slice(2).toLowerCase();
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(hex))).toString('hex');
  let out = '0x';
  for (let i = 0; i < 40; i++) out += Number.parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i]!;
  return out as `0x${string}`;
}

/** secp256k1's group order: a private key lies in [1, n-1]. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A random secp256k1 private key as 0x-prefixed hex (what viem's generatePrivateKey gives, without viem). */
export function generateEvmPrivateKey(): `0x${string}` {
  for (;;) {
    const hex = randomBytes(32).toString('hex');
    const value = BigInt(`0x${hex}`);
    if (value !== 0n && value < SECP256K1_N) return `0x${hex}`;
  }
}
