// The crypto currencies of the Ratio API and where each one lives: the network it is delivered on,
// the asset sent there, and its decimals (minor units per whole unit = 10^decimals).
import type { Network } from '../chains/networks.ts';

export const CRYPTO_CURRENCY_INFO = {
  ETH: { network: 'ETHEREUM', asset: 'ETH', decimals: 18, name: 'Ether' },
  USDC_ETHEREUM: { network: 'ETHEREUM', asset: 'USDC', decimals: 6, name: 'USD Coin' },
  USDC_POLYGON: { network: 'POLYGON', asset: 'USDC', decimals: 6, name: 'USD Coin' },
} as const satisfies Record<string, { network: Network; asset: 'ETH' | 'USDC'; decimals: number; name: string }>;

export type CryptoCurrencyCode = keyof typeof CRYPTO_CURRENCY_INFO;
export const CRYPTO_CURRENCY_CODES = Object.keys(CRYPTO_CURRENCY_INFO) as CryptoCurrencyCode[];
