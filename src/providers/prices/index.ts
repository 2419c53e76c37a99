// ctx.prices: the configured price provider behind a short cache (external providers only) that
// also collapses concurrent reads into one request.
import type { PricesConfig } from './config.ts';
import type { Clock } from '../../lib/clock.ts';
import { CoinbasePriceProvider } from './coinbase.ts';
import { SandboxPriceProvider } from './sandbox.ts';
import type { PriceProvider, PriceSnapshot } from './types.ts';

export {
  PRICED_ASSETS,
  PriceUnavailableError,
  type PriceProvider,
  type PriceSnapshot,
  type PricedAsset,
} from './types.ts';

export class Prices {
  private cached: { snapshot: PriceSnapshot; until: number } | undefined;
  private inFlight: Promise<PriceSnapshot> | undefined;

  constructor(
    readonly provider: PriceProvider,
    private readonly cacheMs: number,
  ) {}

  /** Current prices (USD cents per whole unit) with the time the provider observed them. */
  async getPrices(): Promise<PriceSnapshot> {
    if (this.cacheMs === 0) return this.provider.getPrices();
    // The cache is an operational matter (rate limits of the exchange), so it runs on wall time.
    if (this.cached && performance.now() < this.cached.until) return this.cached.snapshot;
    this.inFlight ??= this.provider.getPrices().then(
      (snapshot) => {
        this.cached = { snapshot, until: performance.now() + this.cacheMs };
        this.inFlight = undefined;
        return snapshot;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        throw error;
      },
    );
    return this.inFlight;
  }
}

export function createPrices(config: PricesConfig, clock: Clock): Prices {
  if (config.provider === 'coinbase') return new Prices(new CoinbasePriceProvider(config.coinbase), config.cacheMs);
  return new Prices(new SandboxPriceProvider(config.sandbox, clock), 0);
}
