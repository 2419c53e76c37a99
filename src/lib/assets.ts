// The crypto currencies onramp sells, and which network and token each lives on. One table, read by
// GET /v1/config, estimates, purchases and the activity items.
import type { Network } from '../chains/networks.ts';

export const CRYPTO_CURRENCIES = ['ETH', 'USDC_ETHEREUM', 'USDC_POLYGON'] as const;
export type CryptoCurrency = (typeof CRYPTO_CURRENCIES)[number];
/** The tokens whose amounts onramp handles: those it sells and the networks' gas tokens (POL: Polygon's). */
export const TOKENS = ['ETH', 'USDC', 'POL'] as const;
export type Token = (typeof TOKENS)[number];

/** Which network and token each supported currency lives on. */
export const ASSETS: Record<
  CryptoCurrency,
  { network: Network; symbol: 'ETH' | 'USDC'; name: string; decimals: number }
> = {
  ETH: { network: 'ETHEREUM', symbol: 'ETH', name: 'Ether', decimals: 18 },
  USDC_ETHEREUM: { network: 'ETHEREUM', symbol: 'USDC', name: 'USD Coin', decimals: 6 },
  USDC_POLYGON: { network: 'POLYGON', symbol: 'USDC', name: 'USD Coin', decimals: 6 },
};
