// Price settings (ONRAMP_PRICE_*, ONRAMP_COINBASE_*, ONRAMP_SANDBOX_PRICE_*): where asset prices come from.
import type { EnvReader, Mode } from '../../config.ts';

export type PriceProviderName = 'sandbox' | 'coinbase';

/** Where asset prices come from (GET /v1/crypto/prices, estimates, purchases). */
export interface PricesConfig {
  provider: PriceProviderName;
  /** How long an external provider's answer is reused (the sandbox provider is never cached). */
  cacheMs: number;
  sandbox: {
    /** Base prices, USD cents per whole unit. */
    cents: { ETH: bigint; USDC: bigint; POL: bigint };
    /** Largest deviation of the seeded walk from the base prices, basis points; 0 keeps prices fixed. */
    walkBps: number;
    walkSeed: string;
    walkIntervalSeconds: number;
  };
  /** A public exchange ticker (Coinbase's `GET /v2/prices/{BASE}-USD/spot`). */
  coinbase: { baseUrl: string; timeoutMs: number; retries: number };
}

export function readPricesConfig(r: EnvReader, mode: Mode): PricesConfig {
  const provider = r.oneOf<PriceProviderName>('ONRAMP_PRICE_PROVIDER', mode === 'sandbox' ? 'sandbox' : 'coinbase', [
    'sandbox',
    'coinbase',
  ]);
  if (mode === 'production' && provider === 'sandbox') {
    r.problems.push(
      'ONRAMP_PRICE_PROVIDER: sandbox is not allowed in production mode (its prices are made up); use coinbase',
    );
  }
  const baseUrl = r.url('ONRAMP_COINBASE_BASE_URL', 'https://api.coinbase.com', ['https:', 'http:'])!;
  if (mode === 'production' && provider === 'coinbase' && !baseUrl.startsWith('https://'))
    r.problems.push('ONRAMP_COINBASE_BASE_URL: must be an https:// URL in production mode');
  const price = (name: string, fallback: string) => {
    const cents = r.usdCents(name, fallback);
    if (cents === 0n) r.problems.push(`${name}: must be greater than 0`);
    return cents;
  };
  return {
    provider,
    cacheMs: r.int('ONRAMP_PRICE_CACHE_MS', 10_000, 0, 600_000),
    sandbox: {
      cents: {
        ETH: price('ONRAMP_SANDBOX_PRICE_ETH_USD', '2000'),
        USDC: price('ONRAMP_SANDBOX_PRICE_USDC_USD', '1'),
        POL: price('ONRAMP_SANDBOX_PRICE_POL_USD', '0.50'),
      },
      walkBps: r.int('ONRAMP_SANDBOX_PRICE_WALK_BPS', 0, 0, 5000),
      walkSeed: r.string('ONRAMP_SANDBOX_PRICE_WALK_SEED', 'onramp', { maxLength: 100 }),
      walkIntervalSeconds: r.int('ONRAMP_SANDBOX_PRICE_WALK_INTERVAL_SECONDS', 60, 1, 86_400),
    },
    coinbase: {
      baseUrl,
      timeoutMs: r.int('ONRAMP_PRICE_TIMEOUT_MS', 5_000, 100, 60_000),
      retries: r.int('ONRAMP_PRICE_RETRIES', 2, 0, 5),
    },
  };
}
