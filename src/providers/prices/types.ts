// Prices of the assets onramp sells and of the networks' gas tokens, in USD cents per whole unit.
// A provider is chosen from config at start (sandbox or a public exchange ticker); domain code reads
// prices through ctx.prices and never knows which.
import type { UsdCents } from '../../lib/money.ts';

/** What is priced: the purchasable assets (ETH, USDC) and the gas token of each network (ETH, POL). */
export const PRICED_ASSETS = ['ETH', 'USDC', 'POL'] as const;
export type PricedAsset = (typeof PRICED_ASSETS)[number];

export interface PriceSnapshot {
  /** USD cents per whole unit (1 ETH, 1 USDC, 1 POL). */
  cents: Record<PricedAsset, UsdCents>;
  /** When the provider observed these prices. */
  at: Date;
  /** Which provider answered (`sandbox`, `coinbase`). */
  source: string;
}

export interface PriceProvider {
  readonly name: string;
  /** Current prices of every priced asset; rejects with PriceUnavailableError when they cannot be had. */
  getPrices(): Promise<PriceSnapshot>;
}

/** The price source did not answer in time or answered nonsense: the API answers 503, never a made-up price. */
export class PriceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PriceUnavailableError';
  }
}
